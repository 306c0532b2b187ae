using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios tasks list|get</c>: the tasks of goals' plans.</summary>
internal static class TasksCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("tasks", "Tasks of goals: list, get");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Get(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var goal = new Option<string?>("--goal") { Description = "The tasks of this goal (default: of every goal, newest goal first)" };
        var role = new Option<string?>("--role") { Description = "Only tasks of this role" };
        var paging = new Paging();
        var command = new Command("list", "List tasks") { goal, role };
        paging.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListTasksRequest
            {
                GoalId = parse.GetValue(goal) ?? "",
                Role = parse.GetValue(role) ?? "",
                PageSize = parse.GetValue(paging.PageSize),
                PageToken = parse.GetValue(paging.PageToken) ?? "",
            };
            var response = await client.ListTasksAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                Columns(t);
                foreach (var task in response.Tasks)
                {
                    Row(t, task);
                }
            });
            Paging.SayNext(runner, response.NextPageToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = new Argument<string>("task-id") { Description = "<goal id>/<task id>, as 'aios tasks list' shows it" };
        var command = new Command("get", "Show a task and its result") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var task = await client.GetTaskAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(task, t =>
            {
                Columns(t);
                Row(t, task);
            });
            if (!runner.Context.JsonOutput && task.Result.Length > 0)
            {
                runner.Context.Say(task.Result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Columns(Table table) => table.AddColumns("task", "role", "status", "attempts", "depends on", "instructions");

    private static void Row(Table table, GoalTask task) => table.AddRow(
        Markup.Escape(task.TaskId), Markup.Escape(task.Role), task.Status.ToString().ToLowerInvariant(), task.Attempts.ToString(CultureInfo.InvariantCulture),
        Markup.Escape(string.Join(", ", task.DependsOn)), Markup.Escape(task.Instructions));
}
