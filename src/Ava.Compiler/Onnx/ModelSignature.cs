using Onnx;

namespace Ava.Compiler.Onnx;

/// <summary>One graph input or output as a caller sees it.</summary>
public sealed record TensorSignature(string Name, OnnxDataType ElementType, int Rank, IReadOnlyList<string> Dims)
{
    public string Shape => "[" + string.Join(", ", Dims) + "]";

    public override string ToString() => $"{Name}: {ElementType.ToString().ToLowerInvariant()} {Shape}";
}

/// <summary>The inputs and outputs of a model: what AVA's runtime binds to, so it must not change when quantizing.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    public static ModelSignature Of(ModelProto model)
    {
        // Inputs that are also initializers are overridable defaults, not something a caller has to feed.
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return new ModelSignature(
            model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(Describe).ToList(),
            model.Graph.Output.Select(Describe).ToList());
    }

    private static TensorSignature Describe(ValueInfoProto v)
    {
        var tensor = v.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList() ?? [];
        return new TensorSignature(v.Name, (OnnxDataType)(tensor?.ElemType ?? 0), dims.Count, dims);
    }

    /// <summary>Differences in name, element type or rank, in order; empty when the signatures match.</summary>
    public IReadOnlyList<string> DifferencesTo(ModelSignature other)
    {
        var diffs = new List<string>();
        Compare("input", Inputs, other.Inputs, diffs);
        Compare("output", Outputs, other.Outputs, diffs);
        return diffs;
    }

    private static void Compare(string kind, IReadOnlyList<TensorSignature> a, IReadOnlyList<TensorSignature> b, List<string> diffs)
    {
        if (a.Count != b.Count) diffs.Add($"{a.Count} {kind}s became {b.Count}");
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (a[i].Name != b[i].Name) diffs.Add($"{kind} {i} '{a[i].Name}' became '{b[i].Name}'");
            if (a[i].ElementType != b[i].ElementType) diffs.Add($"{kind} '{a[i].Name}' type {a[i].ElementType} became {b[i].ElementType}");
            if (a[i].Rank != b[i].Rank) diffs.Add($"{kind} '{a[i].Name}' rank {a[i].Rank} became {b[i].Rank}");
        }
    }
}
