using System.Runtime.Versioning;

// The suite runs real Unix programs (clang, tar, sh) and sets file modes; it runs on Linux and macOS only.
[assembly: SupportedOSPlatform("linux")]
[assembly: SupportedOSPlatform("macos")]
