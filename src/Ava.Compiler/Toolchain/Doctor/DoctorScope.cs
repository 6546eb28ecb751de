namespace Ava.Compiler.Toolchain.Doctor;

public enum DoctorScope
{
    /// <summary>Every check: what <c>alc doctor</c> runs.</summary>
    Full,

    /// <summary>
    /// The fast subset <c>alc compile</c> runs before any download: interpreter, tvm-ffi, TVM version/commit/LLVM,
    /// MLC-LLM commit, LLVM 15, NDK 27 and its clang, disk. It skips importing mlc_llm and reading library symbol tables.
    /// </summary>
    Compile,
}
