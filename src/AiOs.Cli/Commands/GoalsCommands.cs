using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios goals submit|list|get|watch|cancel</c>.</summary>
internal static class GoalsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("goals", "Goals: submit one and watch it, list, get, cancel");
        command.Subcommands.Add(Submit(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(Watch(runner));
        command.Subcommands.Add(Cancel(runner));
        return command;
    }

    private static Command Submit(CommandRunner runner)
    {
        var text = new Argument<string>("text") { Description = "The goal, in words" };
        var customer = new Option<string?>("--customer") { Description = "The customer it is for" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow its progress until it ends" };
        var command = new Command("submit", "Submit a goal") { text, customer, watch };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new SubmitGoalRequest
            {
                Text = parse.GetRequiredValue(text),
                CustomerId = parse.GetValue(customer) ?? "",
                // A resubmission after a lost answer is then recognised by the server, not run twice.
                RequestId = Guid.NewGuid().ToString("N"),
            };
            var goal = await client.SubmitGoalAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            WriteGoal(runner, goal);
            return parse.GetValue(watch) ? await FollowAsync(runner, client, goal.GoalId, ct).ConfigureAwait(false) : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "List goals");
        runner.SetAction(command, async (_, client, ct) =>
        {
            var goals = await client.ListGoalsAsync(new ListGoalsRequest(), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(goals, t =>
            {
                t.AddColumns("goal", "status", "progress", "text");
                foreach (var goal in goals.Goals)
                {
                    t.AddRow(goal.GoalId, goal.Status.ToString(), Progress(goal), goal.Text);
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = new Argument<string>("goal-id");
        var command = new Command("get", "Show a goal") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            WriteGoal(runner, await client.GetGoalAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Watch(CommandRunner runner)
    {
        var id = new Argument<string>("goal-id");
        var command = new Command("watch", "Follow a goal's progress live until it ends") { id };
        runner.SetAction(command, (parse, client, ct) => FollowAsync(runner, client, parse.GetRequiredValue(id), ct));
        return command;
    }

    private static Command Cancel(CommandRunner runner)
    {
        var id = new Argument<string>("goal-id");
        var reason = new Option<string>("--reason") { Description = "Why", DefaultValueFactory = _ => "cancelled by the operator" };
        var command = new Command("cancel", "Cancel a goal") { id, reason };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            WriteGoal(runner, await client.CancelGoalAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(reason), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> FollowAsync(CommandRunner runner, AiOsClient client, string goalId, CancellationToken ct)
    {
        await foreach (var update in client.WatchGoal(goalId, new CallOptions(CancellationToken: ct)).ConfigureAwait(false))
        {
            if (runner.Context.JsonOutput)
            {
                runner.Context.Write(update, _ => { });
            }
            else if (update.Entry is { } entry)
            {
                runner.Context.Say($"{KeysCommands.Time(entry.At)}  {entry.Kind,-12} {entry.Text}  [{Progress(update.Goal)}]");
            }
            else
            {
                runner.Context.Say($"{update.Goal.GoalId}: {update.Goal.Status} [{Progress(update.Goal)}]");
            }
        }

        return ExitCodes.Ok;
    }

    private static void WriteGoal(CommandRunner runner, Goal goal) =>
        runner.Context.Write(goal, t => t.AddColumns("goal", "status", "progress", "text")
            .AddRow(goal.GoalId, goal.Status.ToString(), Progress(goal), goal.Text));

    private static string Progress(Goal goal) =>
        string.Create(CultureInfo.InvariantCulture, $"{goal.TasksDone}/{goal.TasksTotal} tasks");
}
