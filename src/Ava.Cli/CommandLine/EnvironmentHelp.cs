namespace Ava.Cli.CommandLine;

/// <summary>The environment variables commands read, named once so each command's help lists exactly what it reads.</summary>
public static class EnvironmentHelp
{
    public static readonly IReadOnlyList<(string, string)> Hub =
    [
        ("HF_TOKEN", "Hugging Face token for gated or private models (Gemma: accept the license on its model page first). Never printed."),
        ("HF_TOKEN_PATH", "File holding the token (default $HF_HOME/token)."),
        ("HF_HOME", "Hugging Face home (default ~/.cache/huggingface); the cache is $HF_HOME/hub."),
        ("HF_HUB_CACHE", "The model cache folder itself (wins over HF_HOME)."),
        ("HF_ENDPOINT", "A Hub mirror (default https://huggingface.co)."),
        ("HF_HUB_OFFLINE", "1 = use only the cache; fails naming the files it lacks."),
        ("HF_HUB_DOWNLOAD_TIMEOUT", "Seconds of silence before a connection is retried (default 30)."),
    ];

    public static readonly IReadOnlyList<(string, string)> Fetch =
    [
        ("ALC_FETCH_RETRIES", "Retries per file (default 5)."),
        ("ALC_FETCH_CONNECTIONS", "Ranged connections per large file (default 4)."),
        ("ALC_FETCH_PROBE_SECONDS", "Seconds a large file is measured on one connection before it is split (default 2)."),
    ];

    public static readonly IReadOnlyList<(string, string)> Toolchain =
    [
        ("ALC_PYTHON", "Python interpreter or venv (also VIRTUAL_ENV)."),
        ("ALC_TVM_SOURCE_DIR", "TVM v0.22.0 checkout (also TVM_SOURCE_DIR, TVM_HOME)."),
        ("ALC_TVM_BUILD_DIR", "Folder with libtvm and libtvm_runtime (also TVM_LIBRARY_PATH)."),
        ("ALC_MLC_LLM_DIR", "MLC-LLM checkout (also MLC_LLM_SOURCE_DIR)."),
        ("ALC_LLVM_CONFIG", "llvm-config of LLVM 15 (ALC_LLVM_PREFIX: an install folder)."),
        ("ALC_ANDROID_NDK", "Android NDK 27 (also ANDROID_NDK_HOME, ANDROID_NDK_ROOT, ANDROID_HOME)."),
        ("ALC_AVA_RUNTIME", "AVA's libtvm_runtime.so to check against."),
        ("ALC_AVA_APP", "The app (jniLibs folder and tvm4j jar, .aar or .apk) whose runtime chain compile proves."),
        ("ALC_TOOLCHAIN_CONFIG", "Toolchain config file (default ./alc.toolchain.json, ~/.config/alc/toolchain.json)."),
        ("ALC_TOOLCHAIN_PREFIX", "Where 'alc toolchain setup' built the toolchain."),
    ];

    public static readonly IReadOnlyList<(string, string)> Output =
    [
        ("ALC_RECIPES", "Folder of recipe files (default ./recipes, the checkout's, or beside alc)."),
        ("ALC_REGISTRY", "The registry folder (default ./registry)."),
        ("SOURCE_DATE_EPOCH", "Timestamp stamped into packages and the registry (reproducible builds)."),
    ];

    public static readonly IReadOnlyList<(string, string)> Console =
    [
        ("NO_COLOR", "Any value turns colour off."),
        ("CI", "true = one plain line per progress event."),
    ];
}
