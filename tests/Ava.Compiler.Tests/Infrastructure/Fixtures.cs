namespace Ava.Compiler.Tests.Infrastructure;

/// <summary>The binary fixtures built from tests/fixtures/tvm/src by tests/fixtures/tvm/generate.sh.</summary>
public static class Fixtures
{
    public static string Tvm(string name) => RepoPaths.Combine("tests", "fixtures", "tvm", "out", name);
}
