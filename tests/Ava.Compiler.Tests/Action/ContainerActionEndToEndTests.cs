using Ava.Compiler.Tests.Infrastructure;

namespace Ava.Compiler.Tests.Action;

/// <summary>
/// The Linux container action's entrypoint in a real container (podman, a debootstrap-made Debian bookworm base), run
/// with the runner's docker-run shape by scripts/e2e-container-action. Minutes long (debootstrap once, a
/// self-contained publish every time), so it runs when ALC_E2E_PODMAN=1 and is reported as skipped otherwise.
/// </summary>
public class ContainerActionEndToEndTests
{
    [SkippableFact]
    public async Task The_container_actions_entrypoint_compiles_minilm_in_a_podman_container_as_the_runner_starts_it()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("ALC_E2E_PODMAN") == "1",
            "the podman end-to-end run of the container action is opt-in: set ALC_E2E_PODMAN=1 (needs podman, debootstrap, the Debian mirror)");
        var env = new Dictionary<string, string>();
        foreach (var name in new[] { "ALC_PODMAN_GLOBAL", "ALC_PODMAN_RUN", "DOTNET_ROOT", "NUGET_PACKAGES" })
            if (Environment.GetEnvironmentVariable(name) is { } v) env[name] = v;
        var r = await NodeTools.RunAsync("bash", [RepoPaths.Combine("scripts", "e2e-container-action")], env,
            workingDirectory: RepoPaths.Root, timeout: TimeSpan.FromMinutes(20));
        Assert.True(r.ExitCode == 0, r.Text + r.StdErr);
        Assert.Contains("built by the container action", r.StdErr);
    }
}
