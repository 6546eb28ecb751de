using Ava.Compiler.Errors;
namespace Ava.Compiler.Toolchain;

/// <summary>
/// Resolves <see cref="ToolchainLocations"/>. For every part the first of these that gives a value wins:
/// a flag (<see cref="ToolchainOverrides"/>), an <c>ALC_*</c> variable, the project config (<c>./alc.toolchain.json</c>)
/// then the user config (<c>$XDG_CONFIG_HOME/alc/toolchain.json</c>, default <c>~/.config/alc/toolchain.json</c>),
/// the variables the upstream tools read (<c>TVM_SOURCE_DIR</c>, <c>ANDROID_NDK_HOME</c>...), and finally a default
/// search of the usual install places on macOS and Linux (and the setup prefix).
/// A value that was given explicitly is kept even when the path does not exist, so doctor can name it; searched
/// defaults are kept only when they exist.
/// </summary>
public sealed class ToolchainLocationsResolver
{
    public const string EnvConfig = "ALC_TOOLCHAIN_CONFIG";
    public const string EnvPrefix = "ALC_TOOLCHAIN_PREFIX";
    public const string EnvTvmSource = "ALC_TVM_SOURCE_DIR";
    public const string EnvTvmBuild = "ALC_TVM_BUILD_DIR";
    public const string EnvMlcLlm = "ALC_MLC_LLM_DIR";
    public const string EnvPython = "ALC_PYTHON";
    public const string EnvLlvmConfig = "ALC_LLVM_CONFIG";
    public const string EnvLlvmPrefix = "ALC_LLVM_PREFIX";
    public const string EnvNdk = "ALC_ANDROID_NDK";
    public const string EnvAvaRuntime = "ALC_AVA_RUNTIME";
    public const string EnvAvaApp = "ALC_AVA_APP";

    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly string _workingDirectory;
    private readonly HostPlatform _host;
    private readonly ToolchainLock _lock;

    public ToolchainLocationsResolver(IReadOnlyDictionary<string, string> environment, string workingDirectory,
        HostPlatform? host = null, ToolchainLock? lockFile = null)
    {
        _env = environment;
        _workingDirectory = workingDirectory;
        _host = host ?? HostPlatform.Current;
        _lock = lockFile ?? ToolchainLock.Default;
    }

    /// <summary>The config files that apply, most specific first (both are read; the project file wins per key).</summary>
    public IReadOnlyList<ToolchainConfigFile> ConfigFiles(ToolchainOverrides overrides)
    {
        var explicitPath = overrides.ConfigFile is { } f ? Absolute(f, _workingDirectory) : Env(EnvConfig) is { } e ? Absolute(e, _workingDirectory) : null;
        if (explicitPath is not null)
        {
            if (!File.Exists(explicitPath))
                throw new Errors.BadInputException($"The toolchain config '{explicitPath}' does not exist.",
                    $"Create it, or leave out the toolchain config{Remedy.Of(UserInput.ToolchainConfig)} and {EnvConfig} to use ./{ToolchainConfigFile.ProjectFileName} and ~/.config/alc/toolchain.json.");
            return [ToolchainConfigFile.Load(explicitPath)];
        }
        var files = new List<ToolchainConfigFile>();
        var project = Path.Combine(_workingDirectory, ToolchainConfigFile.ProjectFileName);
        if (File.Exists(project)) files.Add(ToolchainConfigFile.Load(project));
        if (UserConfigPath() is { } user && File.Exists(user)) files.Add(ToolchainConfigFile.Load(user));
        return files;
    }

    /// <summary><c>$XDG_CONFIG_HOME/alc/toolchain.json</c>, or <c>~/.config/alc/toolchain.json</c>.</summary>
    public string? UserConfigPath() =>
        Env("XDG_CONFIG_HOME") is { } xdg ? Path.Combine(xdg, "alc", "toolchain.json")
        : Home is { } home ? Path.Combine(home, ".config", "alc", "toolchain.json") : null;

    /// <summary>Where setup builds when no prefix is given: <c>$XDG_DATA_HOME/alc/toolchain</c> or <c>~/.local/share/alc/toolchain</c>.</summary>
    public string DefaultPrefix() =>
        Env("XDG_DATA_HOME") is { } xdg ? Path.Combine(xdg, "alc", "toolchain")
        : Path.Combine(Home ?? _workingDirectory, ".local", "share", "alc", "toolchain");

    public ToolchainLocations Resolve(ToolchainOverrides? overrides = null)
    {
        overrides ??= ToolchainOverrides.None;
        var configs = ConfigFiles(overrides);

        (string Raw, string Source, string BaseDir)? RawExplicit(string? flag, string flagName, string envName, Func<ToolchainConfigFile, string?> pick)
        {
            if (flag is { Length: > 0 }) return (flag, flagName, _workingDirectory);
            if (Env(envName) is { } e) return (e, envName, _workingDirectory);
            foreach (var c in configs)
                if (pick(c) is { Length: > 0 } v) return (v, "config " + c.Path, Path.GetDirectoryName(c.Path!)!);
            return null;
        }

        LocatedPath? Explicit(string? flag, string flagName, string envName, Func<ToolchainConfigFile, string?> pick) =>
            RawExplicit(flag, flagName, envName, pick) is { } r ? new LocatedPath(Absolute(r.Raw, r.BaseDir), r.Source) : null;

        var prefix = Explicit(overrides.Prefix, "--toolchain-prefix", EnvPrefix, c => c.Prefix)
                     ?? new LocatedPath(DefaultPrefix(), "default prefix");

        var tvmSource = Explicit(overrides.TvmSourceDir, "--tvm-source", EnvTvmSource, c => c.TvmSourceDir)
                        ?? FromStandardEnv("TVM_SOURCE_DIR", "TVM_HOME")
                        ?? Existing(Path.Combine(prefix.Path, "tvm"), "setup prefix");

        var tvmBuild = Explicit(overrides.TvmBuildDir, "--tvm-build", EnvTvmBuild, c => c.TvmBuildDir)
                       ?? FromStandardEnv("TVM_LIBRARY_PATH")
                       ?? (tvmSource is null ? null : new LocatedPath(Path.Combine(tvmSource.Path, "build"), "TVM source/build"));

        var mlc = Explicit(overrides.MlcLlmDir, "--mlc-llm", EnvMlcLlm, c => c.MlcLlmDir)
                  ?? FromStandardEnv("MLC_LLM_SOURCE_DIR")
                  ?? Existing(Path.Combine(prefix.Path, "mlc-llm"), "setup prefix");

        var python = ResolvePython(RawExplicit(overrides.Python, "--python", EnvPython, c => c.Python)) ?? SearchPython(prefix);

        var llvm = ResolveLlvmConfig(Explicit(overrides.LlvmConfig, "--llvm-config", EnvLlvmConfig, c => c.LlvmConfig))
                   ?? (Explicit(null, "", EnvLlvmPrefix, c => c.LlvmPrefix) is { } llvmPrefix
                       ? llvmPrefix with { Path = Path.Combine(llvmPrefix.Path, "bin", "llvm-config") } : null)
                   ?? First(LlvmConfigCandidates(), "default search");

        var ndk = Explicit(overrides.NdkDir, "--ndk", EnvNdk, c => c.NdkDir)
                  ?? FromStandardEnv("ANDROID_NDK_HOME", "ANDROID_NDK_ROOT", "ANDROID_NDK")
                  ?? SearchNdk(prefix);

        var runtime = PathList(overrides.AvaRuntime, "--ava-runtime", EnvAvaRuntime, configs, c => c.AvaRuntime ?? c.AvaRuntimeLibrary);
        var app = PathList(overrides.AvaApp, overrides.AvaAppName, EnvAvaApp, configs, c => c.AvaApp);

        return ToolchainLocations.Empty
            .WithPrefix(prefix)
            .WithTvmSourceDir(tvmSource)
            .WithTvmBuildDir(tvmBuild)
            .WithMlcLlmDir(mlc)
            .WithPython(python)
            .WithLlvmConfig(llvm)
            .WithNdkDir(ndk)
            .WithAvaRuntime(runtime)
            .WithAvaApp(app);
    }

    /// <summary>
    /// A list of files and folders (AVA's runtime, the app): every flag value, else the variable (a list joined by the
    /// path separator, like PATH), else the config's key (a path or a list; relative to the file).
    /// </summary>
    private IReadOnlyList<LocatedPath> PathList(IReadOnlyList<string> flags, string flagName, string envName,
        IReadOnlyList<ToolchainConfigFile> configs, Func<ToolchainConfigFile, IReadOnlyList<string>?> pick)
    {
        static IEnumerable<string> Split(string v) => v.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (flags.Count > 0)
            return flags.SelectMany(Split).Select(p => new LocatedPath(Absolute(p, _workingDirectory), flagName)).ToList();
        if (Env(envName) is { } env)
            return Split(env).Select(p => new LocatedPath(Absolute(p, _workingDirectory), envName)).ToList();
        foreach (var c in configs)
            if (pick(c) is { Count: > 0 } list)
                return list.Select(p => new LocatedPath(Absolute(p, Path.GetDirectoryName(c.Path!)!), "config " + c.Path)).ToList();
        return [];
    }

    /// <summary>
    /// Where LLVM 15's llvm-config is usually found, in search order: Debian/Ubuntu's versioned names and
    /// /usr/lib/llvm-15, Homebrew's keg-only <c>llvm@15</c> on Apple silicon and Intel, then an unversioned
    /// llvm-config on PATH (doctor then checks its version).
    /// </summary>
    public IReadOnlyList<string> LlvmConfigCandidates()
    {
        var major = _lock.Llvm.Major;
        var list = new List<string>();
        list.AddRange(OnPath($"llvm-config-{major}"));
        if (_host.Os == HostOs.Linux)
            list.Add($"/usr/lib/llvm-{major}/bin/llvm-config");
        else
        {
            list.Add($"/opt/homebrew/opt/llvm@{major}/bin/llvm-config");
            list.Add($"/usr/local/opt/llvm@{major}/bin/llvm-config");
        }
        list.AddRange(OnPath("llvm-config"));
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// SDK folders whose <c>ndk/&lt;version&gt;</c> may hold the NDK: <c>$ANDROID_HOME</c>, <c>$ANDROID_SDK_ROOT</c>, then
    /// Android Studio's default (<c>~/Library/Android/sdk</c> on macOS, <c>~/Android/Sdk</c> on Linux).
    /// </summary>
    public IReadOnlyList<string> AndroidSdkCandidates()
    {
        var list = new List<string>();
        if (Env("ANDROID_HOME") is { } h) list.Add(h);
        if (Env("ANDROID_SDK_ROOT") is { } r) list.Add(r);
        if (Home is { } home)
            list.Add(_host.Os == HostOs.MacOs ? Path.Combine(home, "Library", "Android", "sdk") : Path.Combine(home, "Android", "Sdk"));
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private LocatedPath? SearchNdk(LocatedPath prefix)
    {
        var version = _lock.AndroidNdk.Version;
        var sdks = AndroidSdkCandidates();
        // The exact locked version first; then the same major; then whatever is there, so doctor can name the
        // version it found instead of saying "no NDK".
        foreach (var sdk in sdks)
            if (Directory.Exists(Path.Combine(sdk, "ndk", version))) return new LocatedPath(Path.Combine(sdk, "ndk", version), "default search");
        var inPrefix = Path.Combine(prefix.Path, "android-ndk-" + _lock.AndroidNdk.Release);
        if (Directory.Exists(inPrefix)) return new LocatedPath(inPrefix, "setup prefix");
        var others = sdks.Select(s => Path.Combine(s, "ndk")).Where(Directory.Exists)
            .SelectMany(Directory.GetDirectories)
            .OrderByDescending(d => Path.GetFileName(d).StartsWith(_lock.AndroidNdk.Major + ".", StringComparison.Ordinal))
            .ThenByDescending(d => Path.GetFileName(d), StringComparer.Ordinal)
            .FirstOrDefault();
        return others is null ? null : new LocatedPath(others, "default search");
    }

    private LocatedPath? ResolvePython((string Raw, string Source, string BaseDir)? given)
    {
        if (given is not { } g) return null;
        // A bare name such as "python3.11" is looked up on PATH, as a shell would.
        if (!g.Raw.Contains('/') && g.Raw != "~" && OnPath(g.Raw).FirstOrDefault() is { } onPath) return new LocatedPath(onPath, g.Source);
        var path = Absolute(g.Raw, g.BaseDir);
        return new LocatedPath(Directory.Exists(path) ? VenvInterpreter(path) : path, g.Source);
    }

    private LocatedPath? SearchPython(LocatedPath prefix)
    {
        var venv = VenvInterpreter(Path.Combine(prefix.Path, "venv"));
        if (File.Exists(venv)) return new LocatedPath(venv, "setup prefix");
        if (Env("VIRTUAL_ENV") is { } active && File.Exists(VenvInterpreter(active))) return new LocatedPath(VenvInterpreter(active), "VIRTUAL_ENV");
        return First(OnPath("python3").Concat(OnPath("python")), "PATH");
    }

    private static string VenvInterpreter(string venv) =>
        File.Exists(Path.Combine(venv, "bin", "python3")) ? Path.Combine(venv, "bin", "python3") : Path.Combine(venv, "bin", "python");

    private static LocatedPath? ResolveLlvmConfig(LocatedPath? given) =>
        given is not null && Directory.Exists(given.Path) ? given with { Path = Path.Combine(given.Path, "bin", "llvm-config") } : given;

    private LocatedPath? FromStandardEnv(params string[] names)
    {
        foreach (var n in names)
            if (Env(n) is { } v) return new LocatedPath(Absolute(v.Split(Path.PathSeparator)[0], _workingDirectory), n);
        return null;
    }

    private static LocatedPath? Existing(string path, string source) =>
        Directory.Exists(path) || File.Exists(path) ? new LocatedPath(path, source) : null;

    private static LocatedPath? First(IEnumerable<string> candidates, string source) =>
        candidates.FirstOrDefault(File.Exists) is { } p ? new LocatedPath(p, source) : null;

    /// <summary>Every existing file called <paramref name="name"/> in the PATH folders, in PATH order.</summary>
    public IEnumerable<string> OnPath(string name) =>
        (Env("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).Where(File.Exists);

    private string? Home => Env("HOME");

    private string? Env(string name) => _env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

    private string Absolute(string path, string baseDir)
    {
        if (path == "~") path = Home ?? path;
        else if (path.StartsWith("~/", StringComparison.Ordinal) && Home is { } home) path = Path.Combine(home, path[2..]);
        return Path.GetFullPath(Path.Combine(baseDir, path));
    }
}
