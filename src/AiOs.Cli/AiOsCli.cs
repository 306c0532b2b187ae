using System.CommandLine;
using AiOs.Cli.Commands;
using AiOs.Client;
using AiOs.Grpc;

namespace AiOs.Cli;

/// <summary>The <c>aios</c> command line. Errors are one line on standard error (<c>aios: ...</c>), never a stack trace;
/// the exit code says what kind of failure it was (<see cref="ExitCodes"/>).</summary>
public static class AiOsCli
{
    /// <summary>Runs a command line; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error, environment);
        var globals = new GlobalOptions();
        var root = new RootCommand("aios: the operator's command line for an AiOs service (gRPC API aios.v1)");
        globals.AddTo(root);
        var runner = new CommandRunner(context, globals);
        root.Subcommands.Add(HealthCommands.Create(runner));
        root.Subcommands.Add(ClusterCommands.Create(runner));
        root.Subcommands.Add(KeysCommands.Create(runner));
        root.Subcommands.Add(GoalsCommands.Create(runner));
        root.Subcommands.Add(TasksCommands.Create(runner));
        root.Subcommands.Add(ApprovalsCommands.Create(runner));
        root.Subcommands.Add(SpendCommands.Spend(runner));
        root.Subcommands.Add(SpendCommands.Budgets(runner));
        root.Subcommands.Add(PolicyCommands.Create(runner));
        root.Subcommands.Add(SchedulesCommands.Create(runner));
        root.Subcommands.Add(MemoryCommands.Create(runner));
        root.Subcommands.Add(CustomersCommands.Create(runner));
        root.Subcommands.Add(ProjectsCommands.Create(runner));
        root.Subcommands.Add(LeadsCommands.Create(runner));
        root.Subcommands.Add(RolesCommands.Create(runner));
        root.Subcommands.Add(PlaybooksCommands.Create(runner));
        root.Subcommands.Add(EventsCommands.Create(runner));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, like every other error (some parser messages list the allowed values on lines of their own).
            var message = string.Join(' ', parse.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await error.WriteLineAsync($"aios: {message} (see 'aios --help')").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken)
            .ConfigureAwait(false);
    }
}

/// <summary>Runs a command's body with a client made from the global options, and turns failures into one line and an
/// exit code.</summary>
internal sealed class CommandRunner(CliContext context, GlobalOptions globals)
{
    public CliContext Context => context;

    public void SetAction(Command command, Func<ParseResult, AiOsClient, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<ParseResult, AiOsClient, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        context.JsonOutput = parse.GetValue(globals.Output) == "json";
        try
        {
            using var client = new AiOsClient(globals.ClientOptions(parse, context.Environment));
            return await body(parse, client, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            await context.Error.WriteLineAsync($"aios: {Describe(exception.StatusCode)}: {OneLine(exception.Detail)}").ConfigureAwait(false);
            return ExitCodes.For(exception.StatusCode);
        }
        catch (CliUsageException exception)
        {
            await context.Error.WriteLineAsync($"aios: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("aios: cancelled").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await context.Error.WriteLineAsync($"aios: {OneLine(exception.Message)}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    private static string Describe(StatusCode status) => status switch
    {
        StatusCode.Unauthenticated => "not authenticated (check --api-key or AIOS_API_KEY)",
        StatusCode.PermissionDenied => "not allowed",
        StatusCode.Unavailable => "unavailable",
        StatusCode.DeadlineExceeded => "no answer in time",
        StatusCode.Unimplemented => "not available yet",
        StatusCode.NotFound => "not found",
        StatusCode.InvalidArgument => "invalid",
        StatusCode.AlreadyExists => "exists already",
        StatusCode.FailedPrecondition => "not possible now",
        _ => status.ToString(),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
