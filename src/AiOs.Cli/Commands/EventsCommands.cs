using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios events query|watch</c>: the event log of business changes.</summary>
internal static class EventsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("events", "The event log: query, watch live");
        command.Subcommands.Add(Query(runner));
        command.Subcommands.Add(Watch(runner));
        return command;
    }

    private sealed class Filter
    {
        public Option<string?> Type { get; } = new("--type") { Description = "Only events of this grain type (customer, project, lead, goal, ...)" };

        public Option<string?> Key { get; } = new("--key") { Description = "Only events of this grain (with --type)" };

        public Option<string[]> Kinds { get; } = new("--kind") { Description = "Only events of this kind, e.g. customer.created (repeatable)" };

        public void AddTo(Command command)
        {
            command.Options.Add(Type);
            command.Options.Add(Key);
            command.Options.Add(Kinds);
        }

        public EventFilter Read(ParseResult parse)
        {
            var filter = new EventFilter { GrainType = parse.GetValue(Type) ?? "", GrainKey = parse.GetValue(Key) ?? "" };
            filter.Kinds.AddRange(parse.GetValue(Kinds) ?? []);
            return filter;
        }
    }

    private static Command Query(CommandRunner runner)
    {
        var after = new Option<long>("--after") { Description = "Events after this sequence number (default: from the start)" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many (default 100, at most 1000)" };
        var filter = new Filter();
        var command = new Command("query", "Events in sequence order") { after, limit };
        filter.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new QueryEventsRequest { AfterSequence = parse.GetValue(after), Limit = parse.GetValue(limit), Filter = filter.Read(parse) };
            var response = await client.QueryEventsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                t.AddColumns("seq", "time", "grain", "kind", "actor");
                foreach (var e in response.Events)
                {
                    t.AddRow(e.Sequence.ToString(CultureInfo.InvariantCulture), KeysCommands.Time(e.At), Markup.Escape($"{e.GrainType}/{e.GrainKey}"),
                        Markup.Escape(e.Kind), Markup.Escape(e.Provenance?.Actor ?? ""));
                }
            });
            if (!runner.Context.JsonOutput && response.Events.Count > 0)
            {
                runner.Context.Say($"continue: --after {response.LastSequence.ToString(CultureInfo.InvariantCulture)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Watch(CommandRunner runner)
    {
        var after = new Option<long>("--after") { Description = "Replay events after this sequence number first (default: new events only)" };
        var filter = new Filter();
        var command = new Command("watch", "Follow new events live until Ctrl+C") { after };
        filter.AddTo(command);
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new WatchEventsRequest { AfterSequence = parse.GetValue(after), Filter = filter.Read(parse) };
            await foreach (var e in client.WatchEvents(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false))
            {
                if (runner.Context.JsonOutput)
                {
                    runner.Context.WriteLine(e);
                }
                else
                {
                    runner.Context.Say($"{e.Sequence,6}  {GoalsCommands.Clock(e.At)}  {e.Kind,-22} {e.GrainType}/{e.GrainKey}  {e.Provenance?.Actor}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
