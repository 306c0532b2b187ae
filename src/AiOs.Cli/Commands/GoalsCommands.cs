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
        var customer = new Option<string?>("--customer") { Description = "The customer it is for (an id from 'aios customers list')" };
        var project = new Option<string?>("--project") { Description = "The project it belongs to" };
        var playbook = new Option<string?>("--playbook") { Description = "Plan from this stored playbook (e.g. onboard-customer, content-pipeline)" };
        var requestId = new Option<string?>("--request-id")
        {
            Description = "Idempotency key: submitting again with the same key returns the same goal (default: a new one)",
        };
        var budget = new Option<string?>("--budget") { Description = SpendCommands.BudgetDescription };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow its progress until it ends" };
        var command = new Command("submit", "Submit a goal") { text, customer, project, playbook, budget, requestId, watch };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new SubmitGoalRequest
            {
                Text = parse.GetRequiredValue(text),
                CustomerId = parse.GetValue(customer) ?? "",
                ProjectId = parse.GetValue(project) ?? "",
                Playbook = parse.GetValue(playbook) ?? "",
                // A resubmission after a lost answer is then recognised by the server, not run twice.
                RequestId = parse.GetValue(requestId) ?? Guid.NewGuid().ToString("N"),
                Budget = SpendCommands.GoalBudget(parse.GetValue(budget)),
            };
            var goal = await client.SubmitGoalAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            WriteGoal(runner, goal);
            return parse.GetValue(watch) ? await FollowAsync(runner, client, goal.GoalId, ct).ConfigureAwait(false) : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var status = new Option<string[]>("--status") { Description = "Only goals in these statuses (planning, running, waiting, paused, done, failed, cancelled)", AllowMultipleArgumentsPerToken = true };
        status.AcceptOnlyFromAmong("planning", "running", "waiting", "paused", "done", "failed", "cancelled");
        var customer = new Option<string?>("--customer") { Description = "Only goals for this customer" };
        var project = new Option<string?>("--project") { Description = "Only goals of this project" };
        var paging = new Paging();
        var command = new Command("list", "List goals, newest first") { status, customer, project };
        paging.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListGoalsRequest
            {
                CustomerId = parse.GetValue(customer) ?? "",
                ProjectId = parse.GetValue(project) ?? "",
                PageSize = parse.GetValue(paging.PageSize),
                PageToken = parse.GetValue(paging.PageToken) ?? "",
            };
            request.Statuses.AddRange((parse.GetValue(status) ?? []).Select(ParseStatus));
            var goals = await client.ListGoalsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(goals, t =>
            {
                t.AddColumns("goal", "status", "progress", "created", "text");
                foreach (var goal in goals.Goals)
                {
                    t.AddRow(goal.GoalId, Status(goal.Status), Progress(goal), KeysCommands.Time(goal.CreatedAt), Markup.Escape(goal.Text));
                }
            });
            Paging.SayNext(runner, goals.NextPageToken);
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
            var goal = await client.GetGoalAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            WriteGoal(runner, goal);
            if (!runner.Context.JsonOutput)
            {
                runner.Context.Say(goal.StatusReason);
                foreach (var entry in goal.History)
                {
                    runner.Context.Say($"  {Clock(entry.At)}  {entry.Kind,-14} {entry.Text}");
                }
            }

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

    // Exits 0 when the goal is done, 1 when it failed or was cancelled.
    private static async Task<int> FollowAsync(CommandRunner runner, AiOsClient client, string goalId, CancellationToken ct)
    {
        var last = GoalStatus.Unspecified;
        await foreach (var update in client.WatchGoal(goalId, new CallOptions(CancellationToken: ct)).ConfigureAwait(false))
        {
            last = update.Goal.Status;
            if (runner.Context.JsonOutput)
            {
                runner.Context.Write(update, _ => { });
            }
            else if (update.Entry is { } entry)
            {
                runner.Context.Say($"{Clock(entry.At)}  {entry.Kind,-14} {entry.Text}  [{Progress(update.Goal)}]");
            }
            else
            {
                runner.Context.Say($"{update.Goal.GoalId}: {Status(update.Goal.Status)} [{Progress(update.Goal)}]");
            }
        }

        if (!runner.Context.JsonOutput)
        {
            runner.Context.Say($"{goalId}: {Status(last)}");
        }

        return last == GoalStatus.Done ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static void WriteGoal(CommandRunner runner, Goal goal) =>
        runner.Context.Write(goal, t => t.AddColumns("goal", "status", "progress", "created", "text")
            .AddRow(goal.GoalId, Status(goal.Status), Progress(goal), KeysCommands.Time(goal.CreatedAt), Markup.Escape(goal.Text)));

    internal static string Status(GoalStatus status) => status switch
    {
        GoalStatus.WaitingForApproval => "waiting",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static GoalStatus ParseStatus(string status) => status switch
    {
        "planning" => GoalStatus.Planning,
        "running" => GoalStatus.Running,
        "waiting" => GoalStatus.WaitingForApproval,
        "paused" => GoalStatus.Paused,
        "done" => GoalStatus.Done,
        "failed" => GoalStatus.Failed,
        _ => GoalStatus.Cancelled,
    };

    internal static string Clock(Google.Protobuf.WellKnownTypes.Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Progress(Goal goal) =>
        string.Create(CultureInfo.InvariantCulture, $"{goal.TasksDone}/{goal.TasksTotal} tasks");
}
