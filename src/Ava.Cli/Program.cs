using Ava.Cli;
using Ava.Cli.CommandLine;
using Ava.Compiler.Diagnostics;

PhaseClock.Mark("main");

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var context = CliContext.FromProcess();
PhaseClock.Mark("cli context");
var code = await AlcApp.RunAsync(args, context, cts.Token);
if (PhaseClock.Enabled)
    foreach (var line in PhaseClock.Lines()) context.Err.WriteLine("alc timings: " + line);
return code;
