namespace Ava.Cli.CommandLine;

public static class HelpWriter
{
    public static void WriteCommand(TextWriter w, CommandSpec spec)
    {
        w.WriteLine($"{spec.Summary}");
        w.WriteLine();
        w.WriteLine($"Usage: {ArgumentParser.Usage(spec)}");
        if (spec.Positionals.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Arguments:");
            foreach (var p in spec.Positionals)
                w.WriteLine($"  {p.Name.ToUpperInvariant(),-24} {p.Description}{(p.AllowedValues is { } v ? $" One of: {string.Join(", ", v)}." : "")}");
        }
        w.WriteLine();
        w.WriteLine("Options:");
        foreach (var o in spec.AllOptions)
        {
            var head = o.ValueName is null ? o.Name : $"{o.Name} {o.ValueName}";
            var tail = o.Default is null ? "" : $" (default: {o.Default})";
            var many = o.Kind == OptionKind.Repeatable ? " (repeatable)" : "";
            var values = o.AllowedValues is { } v ? $" One of: {string.Join(", ", v)}." : "";
            w.WriteLine($"  {head,-24} {o.Description}{values}{tail}{many}");
        }
        if (spec.Environment.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Environment:");
            foreach (var (name, description) in spec.Environment) w.WriteLine($"  {name,-24} {description}");
        }
        if (spec.Details is not null)
        {
            w.WriteLine();
            w.WriteLine(spec.Details.TrimEnd());
        }
    }

    public static void WriteOverview(TextWriter w, IEnumerable<CommandSpec> specs)
    {
        w.WriteLine("alc — the AVA model compiler: builds, verifies and packages model libraries for AVA's TVM v0.22.0 runtime.");
        w.WriteLine();
        w.WriteLine("Usage: alc <command> [arguments] [options]");
        w.WriteLine();
        w.WriteLine("Commands:");
        foreach (var s in specs.OrderBy(s => s.Name, StringComparer.Ordinal)) w.WriteLine($"  {s.Name,-22} {s.Summary}");
        w.WriteLine();
        w.WriteLine("Run 'alc help <command>' (or 'alc <command> --help') for a command's options; 'alc completion bash|zsh|fish'");
        w.WriteLine("prints a shell completion script. Exit codes: 0 ok, 1 verification failed,");
        w.WriteLine("2 bad input or usage, 3 toolchain or environment missing, 4 external tool failed, 5 network failure.");
    }
}
