# alc doctor's Python probe. Run as: python -c <this file> <probe>; prints one JSON object on the last stdout line.
# Kept compatible with Python 3.6+ so an old interpreter still answers with its version instead of a SyntaxError.
import json
import os
import sys
import traceback


def _error(exc):
    lines = traceback.format_exception_only(type(exc), exc)
    return {"ok": False, "error": lines[-1].strip() if lines else repr(exc), "traceback": traceback.format_exc()[-4000:]}


def probe_python():
    return {
        "ok": True,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "platform": sys.platform,
    }


def _dist_version(name):
    try:
        from importlib import metadata
        return metadata.version(name)
    except Exception:  # noqa: BLE001 - not installed as a distribution (PYTHONPATH checkout)
        return None


def _import_watched(name):
    """Imports a module, returning it with the warnings the import raised and how long it took."""
    import importlib
    import time
    import warnings

    start = time.time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    seconds = round(time.time() - start, 2)
    return module, ["%s: %s" % (w.category.__name__, w.message) for w in caught], seconds


def probe_tvm_ffi():
    # tvm_ffi 0.1.0 imports torch first when present and JIT-builds an optional DLPack extension, warning on failure
    # (tvm_ffi/__init__.py:29, _optional_torch_c_dlpack.py:598-627): the warnings and the time are reported, not fatal.
    tvm_ffi, warned, seconds = _import_watched("tvm_ffi")

    pkg_dir = os.path.dirname(os.path.abspath(tvm_ffi.__file__))
    lib_dir = os.path.join(pkg_dir, "lib")
    result = {
        "ok": True,
        "version": getattr(tvm_ffi, "__version__", None),
        "distributionVersion": _dist_version("apache-tvm-ffi"),
        "file": os.path.abspath(tvm_ffi.__file__),
        "libDir": lib_dir,
        "libraries": sorted(os.listdir(lib_dir)) if os.path.isdir(lib_dir) else [],
        "core": None,
        "warnings": warned,
        "importSeconds": seconds,
    }
    try:
        from tvm_ffi import core
        result["core"] = os.path.abspath(core.__file__)
    except Exception as exc:  # noqa: BLE001 - reported as data; the tvm_ffi import itself succeeded
        result["coreError"] = _error(exc)["error"]
    return result


def probe_tvm():
    import tvm

    result = {
        "ok": True,
        "version": getattr(tvm, "__version__", None),
        "file": os.path.abspath(tvm.__file__),
        "library": None,
        "gitCommit": None,
        "llvmVersion": None,
        "useLlvm": None,
        "runtimeOnly": bool(getattr(tvm.base, "_RUNTIME_ONLY", False)),
    }
    lib = getattr(tvm.base, "_LIB", None)
    if lib is not None:
        result["library"] = getattr(lib, "_name", None)
    try:
        info = tvm.support.libinfo()
        result["gitCommit"] = str(info.get("GIT_COMMIT_HASH", "")) or None
        result["llvmVersion"] = str(info.get("LLVM_VERSION", "")) or None
        result["useLlvm"] = str(info.get("USE_LLVM", "")) or None
    except Exception as exc:  # noqa: BLE001
        result["libinfoError"] = _error(exc)["error"]
    return result


def probe_mlc_llm():
    import mlc_llm
    from mlc_llm.model import MODELS
    from mlc_llm.quantization import QUANTIZATION

    return {
        "ok": True,
        "file": os.path.abspath(mlc_llm.__file__),
        "models": sorted(MODELS.keys()),
        "quantizations": sorted(QUANTIZATION.keys()),
    }


def probe_imports():
    """Imports every module named in ALC_PROBE_IMPORTS (comma-separated), each independently."""
    names = [n for n in os.environ.get("ALC_PROBE_IMPORTS", "").split(",") if n]
    modules = {}
    for name in names:
        try:
            module, warned, seconds = _import_watched(name)
            modules[name] = {"ok": True, "version": getattr(module, "__version__", None), "warnings": warned, "seconds": seconds}
        except BaseException as exc:  # noqa: BLE001 - reported per module
            modules[name] = {"ok": False, "error": _error(exc)["error"]}
    return {"ok": True, "modules": modules}


PROBES = {"imports": probe_imports, "python": probe_python, "tvm_ffi": probe_tvm_ffi, "tvm": probe_tvm, "mlc_llm": probe_mlc_llm}


def main():
    name = sys.argv[-1]
    try:
        out = PROBES[name]()
    except BaseException as exc:  # noqa: BLE001 - every failure must come back as JSON
        out = _error(exc)
    sys.stdout.write("\n" + json.dumps(out) + "\n")
    sys.stdout.flush()


main()
