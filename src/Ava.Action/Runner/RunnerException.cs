using Ava.Compiler.Errors;

namespace Ava.Action.Runner;

/// <summary>
/// A runner-protocol failure the workflow author can fix (missing input, missing GITHUB_* file). <see cref="AlcException.Problem"/>
/// is byte-for-byte the message @actions/core gives for the same situation, so logs read the same as a JavaScript action's.
/// </summary>
public sealed class RunnerProtocolException(string problem, string fix) : BadInputException(problem, fix);
