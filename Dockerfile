# syntax=docker/dockerfile:1
# The pinned alc toolchain image (the one the GitHub Action runs): TVM v0.22.0 built from source with LLVM 15,
# apache-tvm-ffi 0.1.0 from TVM's submodule, MLC-LLM at its locked commit, Android NDK r27, and alc itself.
# Every pin below must equal toolchain.lock.json (a test compares them); the TVM/tvm-ffi/MLC-LLM builds are done by
# `alc toolchain setup`, which reads the same lock, and `alc doctor` is the last step of the final stage.
#
# Built once per lock by .github/workflows/toolchain-image.yml (tag lock-<hash>, pushed to GHCR); the released action
# references the pushed image by digest, so no job builds this file on a runner.
#
# Base images by digest (a tag moves; the image that was tested is the digest):
# - debian:bookworm-slim = the OCI index docker-library/repo-info@05f354f0a08a211fdfed2f21845d1fccd389921d:repos/debian/remote/bookworm-slim.md:4
# - dotnet/sdk:10.0 = the index digest that public Dockerfiles pin (mcr.microsoft.com is not reachable from the machine
#   this was written on, so it was not re-resolved there); refresh both with `docker buildx imagetools inspect <tag>`.
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0@sha256:e1ffd2a92ae84c1291bc1b6887501f8af98e6331e7af6d4c8d37168c5e87a64c
ARG BASE_IMAGE=debian:bookworm-slim@sha256:abd67ffcfa541b485a3dff59865ab629aa048a6c613e639d36e7456b0b229241

# --- alc: Native AOT for the image's architecture ------------------------------------------------------------------
# Native AOT links with the target's own C toolchain (clang, zlib), so this stage runs on the target platform: an arm64
# image builds it under emulation (slower, the same binary). Installed: the one executable, ONNX Runtime's native
# library beside it, the embedded default model (embedded-models/) and the recipes alc finds next to itself.
FROM ${DOTNET_SDK_IMAGE} AS alc
ARG TARGETARCH
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props alc.slnx toolchain.lock.json ./
COPY abi/ abi/
COPY schemas/ schemas/
COPY src/ src/
COPY recipes/ /out/alc/recipes/
RUN case "${TARGETARCH}" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; \
      *) echo "error: no .NET runtime for linux/${TARGETARCH}; build for linux/amd64 or linux/arm64" >&2; exit 2 ;; esac \
 && dotnet publish src/Ava.Cli/Ava.Cli.csproj -c Release -r "$rid" -p:StripSymbols=true -o /tmp/alc \
 && cp /tmp/alc/alc /tmp/alc/libonnxruntime*.so /out/alc/ \
 && cp -R /tmp/alc/embedded-models /out/alc/embedded-models

# --- ava-action: self-contained single file, ReadyToRun -------------------------------------------------------------
# Octokit serialises by reflection, which Native AOT trims away (DEVELOPERS.md), so ava-action keeps the JIT with
# precompiled code. ReadyToRun cross-compiles, so this stage runs on the build machine's platform for both targets.
FROM --platform=$BUILDPLATFORM ${DOTNET_SDK_IMAGE} AS ava-action
ARG TARGETARCH
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props alc.slnx toolchain.lock.json ./
COPY abi/ abi/
COPY schemas/ schemas/
COPY src/ src/
# Installed as its whole publish folder: ONNX Runtime's native library is inside the single file, and the embedded
# default model (embedded-models/) and the recipes sit beside it.
COPY recipes/ /out/ava-action/recipes/
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN case "${TARGETARCH}" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; \
      *) echo "error: no .NET runtime for linux/${TARGETARCH}; build for linux/amd64 or linux/arm64" >&2; exit 2 ;; esac \
 && dotnet publish src/Ava.Action/Ava.Action.csproj -c Release -r "$rid" --self-contained true \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishReadyToRun=true -p:DebugType=none -o /out/ava-action

# --- the toolchain build (compilers, sources, build trees: none of it reaches the final stage) --------------------
FROM ${BASE_IMAGE} AS toolchain

ARG TARGETARCH
ARG ABI_PROFILE=tvm-v0.22.0
ARG TVM_VERSION=0.22.0
ARG TVM_COMMIT=9dbf3f22ff6f44962472f9af310fda368ca85ef2
ARG TVM_FFI_VERSION=0.1.0
ARG TVM_FFI_COMMIT=9a6ec6eea8237458b27bca97b184ef069fe1e687
ARG MLC_LLM_COMMIT=7b15b196d272285e775eb65e5bf8f84db6a1462b
ARG LLVM_MAJOR=15
# The only llvm-toolchain-15 version in bookworm (apt-cache policy llvm-15-dev); pinned because TVM links it statically.
ARG LLVM_DEB_VERSION=1:15.0.6-4+b1
ARG NDK_VERSION=27.0.12077973
ARG NDK_RELEASE=r27
# Google publishes the NDK zip's SHA-1 (developer.android.com/ndk/downloads, repository2 XML); the SHA-256 is the one
# recorded by independent pins of the same zip (663957918 bytes). Both are checked.
ARG NDK_SHA1=5e5cd517bdb98d7e0faf2c494a3041291e71bdcc
ARG NDK_SHA256=2f17eb8bcbfdc40201c0b36e9a70826fcd2524ab7a2a235e2c71186c302da1dc
# Debian bookworm's python3 (3.11) meets the lock's minimum (3.9).
ARG PYTHON_VERSION=3.11
# tokenizers-cpp (built with MLC-LLM) needs a newer Rust than bookworm's. rustup-init 1.27.1 and its SHA-256 per
# architecture: rust-lang/docker-rust@700c4f146427808cfb1e07a646e4afabbe99da4f:stable/bookworm/slim/Dockerfile:17,19,25.
ARG RUST_VERSION=1.83.0
ARG RUSTUP_VERSION=1.27.1
ARG RUSTUP_SHA256_AMD64=6aeece6993e902708983b209d04c0d1dbb14ebb405ddb87def578d41f920f56d
ARG RUSTUP_SHA256_ARM64=1cffbf51e63e634c746f741de50649bbbcbd9dbe1de363c9ecef64e278dba2b2

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Build tools, LLVM 15 (static libraries for --link-static; bookworm has no libpolly-15-dev and TVM does not need it)
# and Python with venv. tests/…/DockerfileTests runs `apt-get install --simulate` over this exact list.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl git unzip cmake make ninja-build g++ pkg-config \
      "llvm-${LLVM_MAJOR}=${LLVM_DEB_VERSION}" "llvm-${LLVM_MAJOR}-dev=${LLVM_DEB_VERSION}" \
      zlib1g-dev libzstd-dev libtinfo-dev libxml2-dev libedit-dev \
      "python${PYTHON_VERSION}" "python${PYTHON_VERSION}-dev" "python${PYTHON_VERSION}-venv" python3-pip \
 && rm -rf /var/lib/apt/lists/*

# rustup-init checked by SHA-256 (no `curl | sh`).
ENV RUSTUP_HOME=/opt/rust CARGO_HOME=/opt/cargo PATH=/opt/cargo/bin:$PATH
RUN case "${TARGETARCH}" in \
      amd64) triple=x86_64-unknown-linux-gnu; sum="${RUSTUP_SHA256_AMD64}" ;; \
      arm64) triple=aarch64-unknown-linux-gnu; sum="${RUSTUP_SHA256_ARM64}" ;; \
      *) echo "error: no pinned rustup-init for linux/${TARGETARCH}" >&2; exit 2 ;; esac \
 && curl -fsSL --retry 3 -o /tmp/rustup-init "https://static.rust-lang.org/rustup/archive/${RUSTUP_VERSION}/${triple}/rustup-init" \
 && echo "${sum}  /tmp/rustup-init" | sha256sum -c - \
 && chmod +x /tmp/rustup-init \
 && /tmp/rustup-init -y --no-modify-path --profile minimal --default-toolchain "${RUST_VERSION}" --default-host "${triple}" \
 && rm /tmp/rustup-init \
 && cargo --version

# Android NDK r27 = 27.0.12077973 (Pkg.Revision in source.properties), checked by SHA-1 and SHA-256. Google ships the
# Linux NDK for x86_64 hosts only (toolchains/llvm/prebuilt/linux-x86_64), so an arm64 image cannot compile for Android:
# it stops here with that reason instead of producing an image whose `alc doctor` fails.
RUN [ "${TARGETARCH}" = amd64 ] || { echo "error: Android NDK ${NDK_RELEASE} has no linux-${TARGETARCH} host build; build the toolchain image for linux/amd64" >&2; exit 2; } \
 && curl -fL --retry 3 -o /tmp/ndk.zip "https://dl.google.com/android/repository/android-ndk-${NDK_RELEASE}-linux.zip" \
 && echo "${NDK_SHA1}  /tmp/ndk.zip" | sha1sum -c - \
 && echo "${NDK_SHA256}  /tmp/ndk.zip" | sha256sum -c - \
 && unzip -q /tmp/ndk.zip -d /opt \
 && rm /tmp/ndk.zip \
 && grep -q "Pkg.Revision = ${NDK_VERSION}" "/opt/android-ndk-${NDK_RELEASE}/source.properties"

# Python packages only from a hash-checked wheelhouse: every pip call of `alc toolchain setup` below runs with
# PIP_NO_INDEX, so a module the lock does not list (or a wheel whose hash differs) fails the build.
# docker/python-requirements.lock.txt is made from toolchain.lock.json by scripts/lock-python-requirements.
COPY docker/python-requirements.lock.txt /tmp/python-requirements.lock.txt
RUN python3 -m pip download --no-cache-dir --require-hashes --only-binary=:all: \
      -r /tmp/python-requirements.lock.txt -d /opt/wheels
ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/opt/wheels PIP_NO_CACHE_DIR=1

COPY --from=alc /out/alc/ /opt/alc/
RUN ln -s /opt/alc/alc /usr/local/bin/alc

ENV ALC_TOOLCHAIN_PREFIX=/opt/alc-toolchain \
    ALC_LLVM_CONFIG=/usr/lib/llvm-${LLVM_MAJOR}/bin/llvm-config \
    ALC_ANDROID_NDK=/opt/android-ndk-${NDK_RELEASE}

# The alc binary must carry the same lock as this file's pins.
RUN alc toolchain setup --plan --json > /tmp/plan.json \
 && grep -qF "checkout --force --detach ${TVM_COMMIT}" /tmp/plan.json \
 && grep -qF "checkout --force --detach ${MLC_LLM_COMMIT}" /tmp/plan.json \
 && grep -qF "apache-tvm-ffi==${TVM_FFI_VERSION}" /tmp/plan.json \
 && grep -qF "\"abiProfile\": \"${ABI_PROFILE}\"" /tmp/plan.json \
 && rm /tmp/plan.json

# One layer per stage so a failed build resumes from the last finished one.
RUN alc toolchain setup --only tvm-source
RUN alc toolchain setup --only tvm-configure --only tvm-build
RUN alc toolchain setup --only venv --only tvm-ffi --only tvm-python
RUN alc toolchain setup --only mlc-source --only mlc-build --only mlc-python

# What the final stage takes from the prefix: the venv, TVM's and MLC-LLM's Python trees (imported in place through
# alc-tvm.pth and the editable install), their built libraries and headers. Object files, CMake state and git
# history stay behind.
RUN cd /opt/alc-toolchain \
 && find tvm mlc-llm -name .git -prune -exec rm -rf {} + \
 && find tvm/build mlc-llm/build \( -name CMakeFiles -o -name '*.o' -o -name '*.a' \) -prune -exec rm -rf {} + \
 && rm -rf mlc-llm/3rdparty/tokenizers-cpp/rust/target /opt/wheels

# --- the final image: runtime packages, alc, ava-action, the built toolchain, the NDK ----------------------------
FROM ${BASE_IMAGE}

ARG ABI_PROFILE=tvm-v0.22.0
ARG TVM_VERSION=0.22.0
ARG TVM_COMMIT=9dbf3f22ff6f44962472f9af310fda368ca85ef2
ARG TVM_FFI_VERSION=0.1.0
ARG MLC_LLM_COMMIT=7b15b196d272285e775eb65e5bf8f84db6a1462b
ARG LLVM_MAJOR=15
ARG LLVM_DEB_VERSION=1:15.0.6-4+b1
ARG NDK_VERSION=27.0.12077973
ARG NDK_RELEASE=r27
ARG PYTHON_VERSION=3.11

LABEL org.opencontainers.image.title="alc toolchain" \
      org.opencontainers.image.description="AVA model compiler with TVM v${TVM_VERSION}, tvm-ffi ${TVM_FFI_VERSION}, MLC-LLM ${MLC_LLM_COMMIT}, LLVM ${LLVM_MAJOR}, NDK ${NDK_VERSION}" \
      ai.ava.alc.abi-profile="${ABI_PROFILE}" \
      ai.ava.alc.tvm-commit="${TVM_COMMIT}" \
      ai.ava.alc.tvm-ffi-version="${TVM_FFI_VERSION}" \
      ai.ava.alc.mlc-llm-commit="${MLC_LLM_COMMIT}" \
      ai.ava.alc.llvm-major="${LLVM_MAJOR}" \
      ai.ava.alc.ndk-version="${NDK_VERSION}"

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Runtime only: llvm-config for the doctor's LLVM check, the shared libraries statically linked LLVM needs, Python.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates git "llvm-${LLVM_MAJOR}=${LLVM_DEB_VERSION}" zlib1g libzstd1 libtinfo6 libxml2 libedit2 \
      "python${PYTHON_VERSION}" "python${PYTHON_VERSION}-venv" \
 && rm -rf /var/lib/apt/lists/*

COPY --from=toolchain /opt/android-ndk-${NDK_RELEASE}/ /opt/android-ndk-${NDK_RELEASE}/
COPY --from=toolchain /opt/alc-toolchain/ /opt/alc-toolchain/
COPY --from=alc /out/alc/ /opt/alc/
COPY --from=ava-action /out/ava-action/ /opt/ava-action/
RUN ln -s /opt/alc/alc /usr/local/bin/alc && ln -s /opt/ava-action/ava-action /usr/local/bin/ava-action

ENV ALC_TOOLCHAIN_PREFIX=/opt/alc-toolchain \
    ALC_LLVM_CONFIG=/usr/lib/llvm-${LLVM_MAJOR}/bin/llvm-config \
    ALC_ANDROID_NDK=/opt/android-ndk-${NDK_RELEASE}

# The image is only good if the toolchain matches the lock (run in the stage that ships, not in the build stage).
RUN alc doctor

ENTRYPOINT ["alc"]
CMD ["--help"]
