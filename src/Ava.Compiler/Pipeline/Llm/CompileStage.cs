using Ava.Compiler.Processes;
using Ava.Compiler.Hashing;
using Ava.Compiler.Pipeline.Llm;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Pipeline.Llm;

/// <summary>
/// <c>mlc_llm compile --device android</c> with the explicit system-lib prefix: a gzip tar of lib0.o and
/// <c>{prefix}devc.o</c> (AArch64 relocatables, OpenCL kernels inside the blob).
/// </summary>
public sealed class CompileStage(LlmBuild build) : IStage<CompileResult>
{
    public const string StageName = "compile";

    public static readonly StageResult<CompileResult> Output = new(StageName, LlmJsonContext.Default.CompileResult);

    public StageResult<CompileResult> Result => Output;

    public string Name => StageName;

    public IReadOnlyList<string> DependsOn => [ConfigureStage.StageName];

    public string TarName => $"{build.ModelLib}-android.tar";

    public void DescribeInputs(KeyBuilder key, StageKeyContext context)
    {
        key.Add("stage-version", 1).Add("quantization", build.Quantization).Add("model-type", build.Llm.ModelType)
            .Add("device", MlcCommands.AndroidDevice).Add("system-lib-prefix", build.SystemLibPrefix);
        build.AddToolchain(key);
    }

    public ToolCommand Command(string configureDirectory, string output) =>
        build.Mlc.Compile(configureDirectory, build.Quantization, build.Llm.ModelType, build.SystemLibPrefix, Path.Combine(output, TarName));

    public async Task<StageOutcome<CompileResult>> RunAsync(StageContext context)
    {
        await MlcStep.RunAsync(context, Command(context.OutputOf(ConfigureStage.StageName), context.OutputDirectory), build.Environment);
        var tar = MlcStep.Require(context, TarName, "compile");
        return new StageOutcome<CompileResult>($"{TarName}, {new FileInfo(tar).Length / 1024} KiB", new CompileResult(TarName, build.SystemLibPrefix));
    }

    /// <summary>The path of the tar a finished compile stage wrote.</summary>
    public static string TarOf(StageContext context) =>
        Path.Combine(context.OutputOf(StageName), context.ResultOf(Output).Tar);
}
