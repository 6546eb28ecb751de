using Ava.Compiler.Errors;
using Ava.Compiler.Naming;
using Ava.Compiler.Toolchain.Mlc;

namespace Ava.Compiler.Recipes;

/// <summary>
/// Checks recipes against the facts of the pinned MLC-LLM commit (<see cref="MlcCatalog"/>): known model type,
/// quantizations that model type supports, a conversation template that exists, well-formed AVA names that do not
/// collide across recipes. Reserved recipes (<see cref="Recipe.Unsupported"/>) are reported, not failed.
/// </summary>
public static class RecipeChecker
{
    public static IReadOnlyList<RecipeProblem> Check(IReadOnlyList<Recipe> recipes)
    {
        var problems = new List<RecipeProblem>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in recipes)
        {
            if (r.Kind != Recipe.KindLlm || r.Llm is null) continue;
            var llm = r.Llm;
            var reserved = r.Unsupported is not null;

            if (!MlcCatalog.ModelTypes.ContainsKey(llm.ModelType))
            {
                if (MlcCatalog.MissingModelTypes.TryGetValue(llm.ModelType, out var why))
                {
                    if (!reserved) problems.Add(new(r.Name, $"model_type '{llm.ModelType}' cannot be built: {why}. Mark the recipe 'unsupported:' with that reason to reserve its name."));
                }
                else
                {
                    problems.Add(new(r.Name, $"model_type '{llm.ModelType}' is not one alc knows at MLC-LLM {MlcCatalog.PinnedCommit} (known: {string.Join(", ", MlcCatalog.ModelTypes.Keys)})."));
                }
            }
            else
            {
                var supported = MlcCatalog.QuantizationsFor(llm.ModelType).ToHashSet();
                foreach (var q in llm.Quantizations)
                {
                    if (supported.Contains(q)) continue;
                    var why = MlcCatalog.MissingQuantizations.TryGetValue(q, out var reason)
                        ? reason
                        : $"model_type '{llm.ModelType}' supports {string.Join(", ", supported.Order(StringComparer.Ordinal))} at MLC-LLM {MlcCatalog.PinnedCommit}";
                    problems.Add(new(r.Name, $"quantization '{q}' cannot be built: {why}."));
                }
            }

            if (!MlcCatalog.ConversationTemplates.ContainsKey(llm.ConvTemplate))
                problems.Add(new(r.Name, $"conv_template '{llm.ConvTemplate}' is not one alc knows in MLC-LLM's CONV_TEMPLATES (known: {string.Join(", ", MlcCatalog.ConversationTemplates.Keys)})."));

            foreach (var q in llm.Quantizations)
            {
                AvaName name;
                try { name = AvaName.For(r.Code, r.Size, q); }
                catch (BadInputException e)
                {
                    problems.Add(new(r.Name, e.Problem));
                    continue;
                }
                var owner = $"{r.Name} {q}";
                if (names.TryGetValue(name.Value, out var other)) problems.Add(new(r.Name, $"AVA name {name.Value} of {owner} collides with {other}."));
                else names[name.Value] = owner;
            }
        }
        return problems;
    }

    /// <summary>
    /// Stops before any download when <paramref name="recipe"/> cannot be built with <paramref name="quantization"/>
    /// at the pinned MLC commit, with the reason and what to do instead.
    /// </summary>
    public static void EnsureBuildable(Recipe recipe, string quantization)
    {
        if (recipe.Kind != Recipe.KindLlm || recipe.Llm is null)
            throw new BadInputException($"The recipe '{recipe.Name}' is a {recipe.Kind} recipe, not an LLM.", "Build it with the command for its kind (see 'alc recipes show').");
        var llm = recipe.Llm;
        if (recipe.Unsupported is not null)
            throw new BadInputException($"The recipe '{recipe.Name}' cannot be built yet: {recipe.Unsupported}", "Nothing was downloaded. The recipe only reserves the name; build another model, e.g. gemma3-4b.");
        if (MlcCatalog.MissingModelTypes.TryGetValue(llm.ModelType, out var missingType))
            throw new BadInputException($"The recipe '{recipe.Name}' cannot be built: {missingType}.", "Nothing was downloaded. Build another model, e.g. gemma3-4b.");
        if (MlcCatalog.MissingQuantizations.TryGetValue(quantization, out var missingQuant))
            throw new BadInputException($"Quantization '{quantization}' cannot be built: {missingQuant}.",
                $"Nothing was downloaded. Use one of {string.Join(", ", llm.Quantizations.Where(q => !MlcCatalog.MissingQuantizations.ContainsKey(q)))} (q0f16 keeps 16-bit weights if 4-bit quality is the concern).");
        if (!llm.Quantizations.Contains(quantization))
            throw new BadInputException($"The recipe '{recipe.Name}' does not list quantization '{quantization}'.",
                $"Use one of {string.Join(", ", llm.Quantizations)}, or add it to llm.quantizations in {recipe.Path} and run 'alc recipes check'.");
        if (!MlcCatalog.QuantizationsFor(llm.ModelType).Contains(quantization))
            throw new BadInputException($"MLC-LLM {MlcCatalog.PinnedCommit} cannot build model_type '{llm.ModelType}' with '{quantization}'.",
                $"Use one of {string.Join(", ", MlcCatalog.QuantizationsFor(llm.ModelType))}.");
        if (!MlcCatalog.ConversationTemplates.ContainsKey(llm.ConvTemplate))
            throw new BadInputException($"The recipe '{recipe.Name}' names conv_template '{llm.ConvTemplate}', which alc does not know.", "Fix the recipe and run 'alc recipes check'.");
    }
}

public sealed record RecipeProblem(string Recipe, string Message);
