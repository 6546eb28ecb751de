using Ava.Cli;
using Ava.Cli.CommandLine;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await AlcApp.RunAsync(args, CliContext.FromProcess(), cts.Token);
