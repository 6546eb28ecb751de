namespace Ava.Compiler.Binary;

/// <summary>
/// What the device object's packed import blob (<c>&lt;prefix&gt;__tvm_ffi__library_bin</c>, <c>__tvm_dev_mblob</c>
/// in 2024 libraries) holds, read structurally by <see cref="TvmBlobReader"/>: the module type keys in import-tree
/// order and, from the root VM executable, its function names and the string MLC-LLM's <c>_metadata</c> function
/// returns. Damage is recorded (<see cref="Damage"/>), never thrown: a library whose blob cannot be read is a
/// verification problem, not unreadable input.
/// </summary>
/// <param name="Symbol">The blob symbol it was read from.</param>
/// <param name="Layout">"import-tree-first" (TVM ≥ 2025-08, v0.22) or "key-count" (2024 and earlier).</param>
/// <param name="ModuleKeys">Module type keys, e.g. relax.VMExecutable, _lib, opencl (2024 blobs: up to the first module whose payload is not length-prefixed).</param>
/// <param name="Executable">The root VM executable; null when the blob has none or is damaged before it.</param>
/// <param name="Damage">Why reading stopped early; null when the blob read cleanly.</param>
public sealed record PackedBlob(string Symbol, string Layout, IReadOnlyList<string> ModuleKeys, VmExecutableInfo? Executable, string? Damage);

/// <param name="Magic">0xD225DE2F4214151D (v0.22) or 0xD225DE2F4214151E (2026, with the memory-scope section).</param>
/// <param name="Version">VM_VERSION, "0.14" at v0.22.</param>
/// <param name="FunctionCount">Entries in the function table (packed and VM functions).</param>
/// <param name="HasMetadataFunction">The table has a VM function named <c>_metadata</c>.</param>
/// <param name="MetadataJson">The constant string <c>_metadata</c> returns; null when there is no such function or it could not be read.</param>
public sealed record VmExecutableInfo(ulong Magic, string Version, int FunctionCount, bool HasMetadataFunction, string? MetadataJson);
