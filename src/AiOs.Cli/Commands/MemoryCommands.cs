using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Grpc;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios memory search|add|forget|export|import</c>: what the business remembers, per scope, and portable
/// snapshots of the business.</summary>
internal static class MemoryCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("memory", "Memory: search, add, forget; export and import a snapshot of the business");
        command.Subcommands.Add(Search(runner));
        command.Subcommands.Add(Add(runner));
        command.Subcommands.Add(Forget(runner));
        command.Subcommands.Add(Export(runner));
        command.Subcommands.Add(Import(runner));
        return command;
    }

    private static Command Search(CommandRunner runner)
    {
        var scope = ScopeArgument();
        var query = new Argument<string>("query") { Description = "What to look for (any text)" };
        var kinds = new Option<string[]>("--kind", "-k") { Description = "Only these kinds (fact, preference, interaction, decision, summary, playbook)", AllowMultipleArgumentsPerToken = true };
        kinds.AcceptOnlyFromAmong(KindNames);
        var source = new Option<string>("--source") { Description = "Only items from this provenance source" };
        var minConfidence = new Option<double>("--min-confidence") { Description = "Only items at least this confident (0 to 1)" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only items learned at or after this time (e.g. 2026-05-01)" };
        var limit = new Option<int>("--limit", "-n") { Description = "Hits at most (1 to 100)", DefaultValueFactory = _ => 10 };
        var command = new Command("search", "Search one scope's memory, best first") { scope, query, kinds, source, minConfidence, since, limit };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new SearchMemoryRequest
            {
                Scope = ParseScope(parse.GetRequiredValue(scope)),
                Query = parse.GetRequiredValue(query),
                Source = parse.GetValue(source) ?? "",
                MinConfidence = parse.GetValue(minConfidence),
                Limit = parse.GetValue(limit),
            };
            request.Kinds.AddRange((parse.GetValue(kinds) ?? []).Select(ParseKind));
            if (parse.GetValue(since) is { } from)
            {
                request.Since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from);
            }

            var response = await client.SearchMemoryAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t =>
            {
                t.AddColumns("score", "kind", "text", "source", "by", "learned", "item id");
                foreach (var hit in response.Hits)
                {
                    var item = hit.Item;
                    t.AddRow(hit.Score.ToString("0.0000", CultureInfo.InvariantCulture), Kind(item.Kind), Markup.Escape(item.Text),
                        item.Provenance.Source, item.Provenance.Actor, KeysCommands.Time(item.CreatedAt), item.ItemId);
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(CommandRunner runner)
    {
        var scope = ScopeArgument();
        var text = new Argument<string>("text") { Description = "The item (at most 32 KB)" };
        var kind = new Option<string>("--kind", "-k") { Description = "fact, preference, interaction, decision, summary or playbook", DefaultValueFactory = _ => "fact" };
        kind.AcceptOnlyFromAmong(KindNames);
        var confidence = new Option<double>("--confidence") { Description = "0 to 1 (default 1)" };
        var requestId = new Option<string>("--request-id") { Description = "Makes the add idempotent: the same id adds once" };
        var command = new Command("add", "Add an item to a scope's memory") { scope, text, kind, confidence, requestId };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var item = await client.AddMemoryAsync(new AddMemoryRequest
            {
                Scope = ParseScope(parse.GetRequiredValue(scope)),
                Kind = ParseKind(parse.GetValue(kind) ?? "fact"),
                Text = parse.GetRequiredValue(text),
                Confidence = parse.GetValue(confidence),
                Source = "cli",
                RequestId = parse.GetValue(requestId) ?? Guid.NewGuid().ToString("N"),
            }, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(item, t => t.AddColumns("item id", "scope", "kind", "learned").AddRow(item.ItemId, parse.GetRequiredValue(scope), Kind(item.Kind), KeysCommands.Time(item.CreatedAt)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Forget(CommandRunner runner)
    {
        var customer = new Option<string>("--customer") { Description = "Forget everything about this customer (items, cached answers, personal data in events, goals, schedules, spend); refused while a goal for them runs" };
        var item = new Option<string>("--item") { Description = "Forget one item (give its scope with --scope)" };
        var scope = new Option<string>("--scope") { Description = "The item's scope: customer/<id>, project/<id>, role/<name> or business" };
        var command = new Command("forget", "Forget a customer, or one item, and report what was removed") { customer, item, scope };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ForgetMemoryRequest();
            if (parse.GetValue(customer) is { Length: > 0 } customerId && parse.GetValue(item) is null)
            {
                request.CustomerId = customerId;
            }
            else if (parse.GetValue(item) is { Length: > 0 } itemId && parse.GetValue(customer) is null && parse.GetValue(scope) is { } itemScope)
            {
                request.ItemId = itemId;
                request.Scope = ParseScope(itemScope);
            }
            else
            {
                await runner.Context.Error.WriteLineAsync("aios: give either --customer <id>, or --item <id> with --scope <scope>").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var report = await client.ForgetMemoryAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(report, t => t
                .AddColumns("items", "embeddings", "cached answers", "event payloads erased", "goals erased", "schedules removed", "records erased")
                .AddRow(
                    Count(report.ItemsRemoved),
                    Count(report.EmbeddingsRemoved),
                    Count(report.CacheEntriesRemoved),
                    Count(report.EventPayloadsRedacted),
                    Count(report.GoalsErased),
                    Count(report.SchedulesRemoved),
                    Count(report.RecordsErased)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Export(CommandRunner runner)
    {
        var scopes = new Option<string[]>("--scope") { Description = "Only these scopes (repeatable); everything when none", AllowMultipleArgumentsPerToken = true };
        var command = new Command("export", "Write a portable JSON Lines snapshot to standard output") { scopes };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ExportMemoryRequest();
            request.Scopes.AddRange((parse.GetValue(scopes) ?? []).Select(ParseScope));
            await foreach (var record in client.ExportMemory(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false))
            {
                await runner.Context.Output.WriteLineAsync($$"""{"kind":{{System.Text.Json.JsonSerializer.Serialize(record.Kind)}},"data":{{record.Json}}}""").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(CommandRunner runner)
    {
        var file = new Argument<string>("file") { Description = "A snapshot 'aios memory export' wrote, or - for standard input" };
        var command = new Command("import", "Import a snapshot: memory, roles, playbooks, entities, policy, schedules. What is here already is kept") { file };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            List<ExportRecord> records;
            try
            {
                using var reader = path == "-" ? null : new StreamReader(path);
                records = await ReadSnapshotAsync(reader ?? System.Console.In, ct).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                await runner.Context.Error.WriteLineAsync($"aios: cannot read '{path}': {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (UnauthorizedAccessException exception)
            {
                await runner.Context.Error.WriteLineAsync($"aios: cannot read '{path}': {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var report = await client.ImportMemoryAsync(records.ToAsyncEnumerable(), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(report, t =>
            {
                t.AddColumns("records", "memory items", "other changes", "unchanged", "skipped kinds", "conflicts");
                t.AddRow(
                    Count(report.Records),
                    Count(report.MemoryItems),
                    string.Join(", ", report.Changed.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Count(c.Value)}")),
                    Count(report.Unchanged),
                    string.Join(", ", report.Skipped.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Count(c.Value)}")),
                    Count(report.Conflicts.Count));
            });
            foreach (var conflict in report.Conflicts)
            {
                runner.Context.Say("conflict: " + conflict);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // The whole file is read and checked before anything is sent, so a malformed line is named here and nothing reaches the
    // server. Blank lines go as empty records: the server's line numbers are the file's.
    private static async Task<List<ExportRecord>> ReadSnapshotAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var records = new List<ExportRecord>();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                records.Add(new ExportRecord());
                continue;
            }

            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind == System.Text.Json.JsonValueKind.Object
                    && root.TryGetProperty("kind", out var kind) && kind.ValueKind == System.Text.Json.JsonValueKind.String && kind.GetString() is { Length: > 0 } name
                    && root.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    records.Add(new ExportRecord { Kind = name, Json = data.GetRawText() });
                    continue;
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }

            throw new RpcException(StatusCode.InvalidArgument, $"line {records.Count + 1} of the snapshot is not a record {{\"kind\": ..., \"data\": {{...}}}}; nothing was imported");
        }

        return records;
    }

    private static readonly string[] KindNames = ["fact", "preference", "interaction", "decision", "summary", "playbook"];

    private static Argument<string> ScopeArgument() => new("scope") { Description = "customer/<id>, project/<id>, role/<name> or business" };

    private static MemoryScope ParseScope(string text)
    {
        if (text == "business")
        {
            return new MemoryScope { Kind = MemoryScopeKind.Business };
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? null : text[..slash] switch
        {
            "customer" => MemoryScopeKind.Customer,
            "project" => MemoryScopeKind.Project,
            "role" => MemoryScopeKind.Role,
            _ => (MemoryScopeKind?)null,
        };
        return kind is { } k
            ? new MemoryScope { Kind = k, Id = text[(slash + 1)..] }
            : throw new RpcException(StatusCode.InvalidArgument, $"'{text}' is not a scope: use customer/<id>, project/<id>, role/<name> or business");
    }

    private static MemoryKind ParseKind(string name) => (MemoryKind)(Array.IndexOf(KindNames, name) + 1);

    private static string Kind(MemoryKind kind) => kind is >= MemoryKind.Fact and <= MemoryKind.Playbook ? KindNames[(int)kind - 1] : "?";

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);
}
