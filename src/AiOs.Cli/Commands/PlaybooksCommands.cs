using System.CommandLine;
using System.Text.Json;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios playbooks list|get|define</c>: the stored plans goals and schedules run by name.</summary>
internal static class PlaybooksCommands
{
    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("playbooks", "Playbooks: list, get, define");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(Define(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "List the playbooks: built in, configured and defined");
        runner.SetAction(command, async (_, client, ct) =>
        {
            var list = await client.ListPlaybooksAsync(new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(list, t =>
            {
                t.AddColumns("name", "origin", "tasks", "keywords");
                foreach (var playbook in list.Playbooks)
                {
                    t.AddRow(
                        Markup.Escape(playbook.Name),
                        Origin(playbook.Origin),
                        Markup.Escape(Plan(playbook)),
                        Markup.Escape(string.Join(", ", playbook.Keywords)));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var name = new Argument<string>("name");
        var command = new Command("get", "Show a playbook's tasks") { name };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var playbook = await client.GetPlaybookAsync(parse.GetRequiredValue(name), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(playbook, t =>
            {
                t.AddColumns("task", "role", "after", "actions", "instructions");
                foreach (var task in playbook.Tasks)
                {
                    t.AddRow(
                        Markup.Escape(task.Id), Markup.Escape(task.Role), Markup.Escape(string.Join(", ", task.DependsOn)),
                        Markup.Escape(string.Join(", ", task.Actions)), Markup.Escape(task.Instructions));
                }
            });
            if (!runner.Context.JsonOutput)
            {
                runner.Context.Say($"{playbook.Name}: {Origin(playbook.Origin)}" + (playbook.Defined is { } by ? $", defined by {by.Actor} at {by.At.ToDateTimeOffset():u}" : ""));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Define(CommandRunner runner)
    {
        var file = new Argument<string>("file")
        {
            Description = "A JSON file with one playbook, shaped as an element of AiOs:Workforce:Playbooks: {\"Name\": ..., \"Keywords\": [...], \"Plan\": {\"Tasks\": [...]}}",
        };
        var command = new Command("define", "Create or replace a playbook of your own (stored for the whole cluster)") { file };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            PlaybookFile? given;
            try
            {
                await using var stream = File.OpenRead(path);
                given = await JsonSerializer.DeserializeAsync<PlaybookFile>(stream, FileJson, ct).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await runner.Context.Error.WriteLineAsync($"aios: cannot read '{path}': {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (JsonException exception)
            {
                throw new RpcException(StatusCode.InvalidArgument, $"'{path}' is not a playbook in JSON: {exception.Message}");
            }

            var playbook = new Playbook { Name = given?.Name ?? "" };
            playbook.Keywords.AddRange(given?.Keywords ?? []);
            playbook.Tasks.AddRange((given?.Plan?.Tasks ?? []).Select(t =>
            {
                var task = new PlannedTask { Id = t.Id ?? "", Role = t.Role ?? "", Instructions = t.Instructions ?? "" };
                task.DependsOn.AddRange(t.DependsOn ?? []);
                task.Actions.AddRange(t.Actions ?? []);
                return task;
            }));
            var defined = await client.DefinePlaybookAsync(playbook, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(defined, t => t.AddColumns("name", "tasks").AddRow(Markup.Escape(defined.Name), defined.Tasks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The plan on one line. Each task names what it waits for, because a plan is a graph, not a chain: two
    /// tasks without an "after" run side by side.</summary>
    private static string Plan(Playbook playbook) => string.Join("; ", playbook.Tasks.Select(task => task.DependsOn.Count == 0
        ? $"{task.Id} ({task.Role})"
        : $"{task.Id} ({task.Role}, after {string.Join(", ", task.DependsOn)})"));

    private static string Origin(PlaybookOrigin origin) => origin switch
    {
        PlaybookOrigin.BuiltIn => "built-in",
        PlaybookOrigin.Configuration => "configuration",
        PlaybookOrigin.Defined => "defined",
        _ => "?",
    };

    private sealed record PlaybookFile(string? Name, IReadOnlyList<string>? Keywords, PlanFile? Plan);

    private sealed record PlanFile(IReadOnlyList<TaskFile>? Tasks);

    private sealed record TaskFile(string? Id, string? Role, string? Instructions, IReadOnlyList<string>? DependsOn, IReadOnlyList<string>? Actions);
}
