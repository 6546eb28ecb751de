namespace Ava.Compiler.Toolchain.Doctor.Checks;

/// <summary>
/// <c>import mlc_llm</c> works and its registry has the Gemma model types and quantizations the recipes use. Also says
/// up front that <c>gemma3n</c> is not in MLC-LLM (mlc-ai/mlc-llm#3271), so nobody waits for a compile that cannot start.
/// Not in the compile subset: importing mlc_llm takes several seconds.
/// </summary>
public sealed class MlcLlmModelsCheck : DoctorCheck
{
    public override string Id => "mlc-llm-models";

    public override string Title => "MLC-LLM model registry";

    public override bool InCompileScope => false;

    public override IReadOnlyList<string> DependsOn => ["tvm", "mlc-llm"];

    public override async Task<DoctorCheckResult> RunAsync(DoctorContext c, CancellationToken cancellationToken)
    {
        var pin = c.Lock.MlcLlm;
        var expected = $"model types {string.Join(", ", pin.RequiredModelTypes)}; quantizations {string.Join(", ", pin.RequiredQuantizations)}";
        var probe = await c.Probe!.RunAsync("mlc_llm", cancellationToken);
        if (!probe.Ok)
            return Fail($"import mlc_llm failed: {probe.Error}", expected, Fixes.ForPythonError(probe.Error!, c));

        var models = probe.Strings("models");
        var quantizations = probe.Strings("quantizations");
        var missingModels = pin.RequiredModelTypes.Except(models).ToList();
        var missingQuant = pin.RequiredQuantizations.Except(quantizations).ToList();
        var absent = pin.AbsentModelTypes.Where(a => !models.Contains(a)).ToList();
        var note = absent.Count == 0 ? "" : $" ({string.Join(", ", absent)}: not in MLC-LLM, see mlc-ai/mlc-llm#3271)";
        if (missingModels.Count > 0 || missingQuant.Count > 0)
            return Fail($"missing {string.Join(", ", missingModels.Concat(missingQuant))}{note}", expected,
                $"Use the locked MLC-LLM commit {pin.Commit[..8]} (see the mlc-llm check); its registry has them.");
        var present = pin.RequiredModelTypes.Concat(pin.RequiredQuantizations);
        return Pass($"{string.Join(", ", present)} present{note}", expected);
    }
}
