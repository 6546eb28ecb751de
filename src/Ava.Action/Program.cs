using Ava.Action;
using Ava.Action.Runner;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await ActionApp.RunAsync(ActionCore.FromProcess(), Environment.CurrentDirectory, ct: cts.Token);
