# syntax=docker/dockerfile:1
# The pinned alc toolchain image (the one the GitHub Action runs): TVM v0.22.0 built from source with LLVM 15,
# apache-tvm-ffi 0.1.0 from TVM's submodule, MLC-LLM at its locked commit, Android NDK r27, and alc itself.
# Every pin below must equal toolchain.lock.json (a test compares them); the TVM/tvm-ffi/MLC-LLM builds are done by
# `alc toolchain setup`, which reads the same lock, and `alc doctor` is the last build step.

ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE_IMAGE=debian:bookworm-slim

# --- alc, published self-contained -------------------------------------------------------------------------------
FROM ${DOTNET_SDK_IMAGE} AS alc
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props alc.slnx toolchain.lock.json ./
COPY abi/ abi/
COPY schemas/ schemas/
COPY src/ src/
# ReadyToRun: alc's own code is precompiled, so a short command (alc verify) does not spend its time JIT-compiling alc.
# Each program is installed as its whole publish folder: beside the single-file executable sit ONNX Runtime's native
# library, the embedded default model (embedded-models/) and the recipes alc finds next to itself.
COPY recipes/ /out/alc/recipes/
RUN dotnet publish src/Ava.Cli/Ava.Cli.csproj -c Release -r linux-x64 --self-contained true \
      -p:PublishSingleFile=true -p:PublishReadyToRun=true -p:DebugType=none -o /out/alc \
 && /out/alc/alc --version
# The GitHub Action's entry point (action.yml runs /opt/ava-action/ava-action): the same core, the runner protocol.
COPY recipes/ /out/ava-action/recipes/
RUN dotnet publish src/Ava.Action/Ava.Action.csproj -c Release -r linux-x64 --self-contained true \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none -o /out/ava-action

# --- the toolchain ------------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS toolchain

ARG ABI_PROFILE=tvm-v0.22.0
ARG TVM_VERSION=0.22.0
ARG TVM_COMMIT=9dbf3f22ff6f44962472f9af310fda368ca85ef2
ARG TVM_FFI_VERSION=0.1.0
ARG TVM_FFI_COMMIT=9a6ec6eea8237458b27bca97b184ef069fe1e687
ARG MLC_LLM_COMMIT=7b15b196d272285e775eb65e5bf8f84db6a1462b
ARG LLVM_MAJOR=15
ARG NDK_VERSION=27.0.12077973
ARG NDK_RELEASE=r27
# Debian bookworm's python3 (3.11) meets the lock's minimum (3.9).
ARG PYTHON_VERSION=3.11
# tokenizers-cpp (built with MLC-LLM) needs a newer Rust than bookworm's.
ARG RUST_VERSION=1.83.0

LABEL org.opencontainers.image.title="alc toolchain" \
      org.opencontainers.image.description="AVA model compiler with TVM v${TVM_VERSION}, tvm-ffi ${TVM_FFI_VERSION}, MLC-LLM ${MLC_LLM_COMMIT}, LLVM ${LLVM_MAJOR}, NDK ${NDK_VERSION}" \
      ai.ava.alc.abi-profile="${ABI_PROFILE}" \
      ai.ava.alc.tvm-commit="${TVM_COMMIT}" \
      ai.ava.alc.tvm-ffi-version="${TVM_FFI_VERSION}" \
      ai.ava.alc.mlc-llm-commit="${MLC_LLM_COMMIT}" \
      ai.ava.alc.llvm-major="${LLVM_MAJOR}" \
      ai.ava.alc.ndk-version="${NDK_VERSION}"

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Build tools, LLVM 15 (static libraries for --link-static) and Python with venv.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl git unzip cmake make g++ pkg-config \
      "llvm-${LLVM_MAJOR}-dev" "libpolly-${LLVM_MAJOR}-dev" zlib1g-dev libzstd-dev libtinfo-dev libxml2-dev libedit-dev \
      "python${PYTHON_VERSION}" "python${PYTHON_VERSION}-dev" "python${PYTHON_VERSION}-venv" python3-pip \
 && rm -rf /var/lib/apt/lists/*

ENV RUSTUP_HOME=/opt/rust CARGO_HOME=/opt/cargo PATH=/opt/cargo/bin:$PATH
RUN curl -fsSL https://sh.rustup.rs | sh -s -- -y --no-modify-path --profile minimal --default-toolchain "${RUST_VERSION}" \
 && cargo --version

# Android NDK r27 = 27.0.12077973 (Pkg.Revision in source.properties).
RUN curl -fL --retry 3 -o /tmp/ndk.zip "https://dl.google.com/android/repository/android-ndk-${NDK_RELEASE}-linux.zip" \
 && unzip -q /tmp/ndk.zip -d /opt \
 && rm /tmp/ndk.zip \
 && grep -q "Pkg.Revision = ${NDK_VERSION}" "/opt/android-ndk-${NDK_RELEASE}/source.properties"

COPY --from=alc /out/alc/ /opt/alc/
COPY --from=alc /out/ava-action/ /opt/ava-action/
RUN ln -s /opt/alc/alc /usr/local/bin/alc && ln -s /opt/ava-action/ava-action /usr/local/bin/ava-action

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
RUN alc toolchain setup --only mlc-source --only mlc-build --only mlc-python \
 && rm -rf /root/.cache/pip

# The image is only good if the toolchain matches the lock.
RUN alc doctor

WORKDIR /work
ENTRYPOINT ["alc"]
CMD ["--help"]
