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
    base = getattr(tvm_ffi, "base", None)
    loaded_ffi = getattr(getattr(base, "_LIB", None), "_name", None)
    result["ffiLibrary"] = os.path.abspath(loaded_ffi) if loaded_ffi else None
    result.update(_testing_library(tvm_ffi))
    return result


def _mapped(basename):
    """The file of a shared library this process has mapped (Linux /proc/self/maps), or None."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                parts = line.split(None, 5)
                path = parts[5].strip() if len(parts) == 6 else ""
                if os.path.basename(path).startswith(basename):
                    return path
    except (IOError, OSError):
        pass
    return None


def _testing_library(tvm_ffi):
    """Where libtvm_ffi_testing is, found as tvm-ffi 0.1.0 finds it, and whether it exports the dummy target.

    The Cython core links libtvm_ffi_testing and calls TVMFFITestingDummyTarget at import (apache/tvm-ffi@9a6ec6ee
    CMakeLists.txt:269-277, python/tvm_ffi/cython/base.pxi:457-458); tvm-ffi's own loader looks for libraries in the
    package's lib/, ../../build/lib, ../../../build/lib, then LD_LIBRARY_PATH and PATH (DYLD_LIBRARY_PATH and PATH on
    macOS) (python/tvm_ffi/libinfo.py:52-121). The copy the process mapped wins; otherwise the loader's answer.
    """
    import ctypes

    out = {"testingLibrary": None, "testingSymbol": None, "testingVia": None, "testingSearchPath": []}
    libinfo = getattr(tvm_ffi, "libinfo", None)
    try:
        if libinfo is None:
            from tvm_ffi import libinfo
        out["testingSearchPath"] = list(libinfo.get_dll_directories())
    except Exception as exc:  # noqa: BLE001
        out["testingError"] = _error(exc)["error"]
        libinfo = None
    path = _mapped("libtvm_ffi_testing.")
    if path is not None:
        out["testingVia"] = "mapped by the tvm_ffi core"
    elif libinfo is not None:
        try:
            path = libinfo.find_library_by_basename("tvm_ffi_testing")
            out["testingVia"] = "tvm_ffi.libinfo search path"
        except Exception as exc:  # noqa: BLE001 - RuntimeError("Cannot find library: ...") lists the candidates
            out["testingError"] = _error(exc)["error"].splitlines()[0]
    if path is None:
        return out
    out["testingLibrary"] = os.path.abspath(path)
    try:
        lib = ctypes.CDLL(path)
        out["testingSymbol"] = hasattr(lib, "TVMFFITestingDummyTarget")
    except OSError as exc:
        out["testingError"] = "cannot load %s: %s" % (path, exc)
    return out


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
