using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios keys create|list|revoke</c>: API keys (operator keys only).</summary>
internal static class KeysCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("keys", "API keys: create, list, revoke");
        command.Subcommands.Add(CreateKey(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Revoke(runner));
        return command;
    }

    private static Command CreateKey(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "What the key is for (e.g. website)" };
        var scope = new Option<string>("--scope", "-s")
        {
            Description = "operator (everything), frontend (submit and read goals, read entities) or read-only",
            Required = true,
        };
        scope.AcceptOnlyFromAmong("operator", "frontend", "read-only");
        var command = new Command("create", "Create a key; its secret is shown once") { name, scope };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var scopeValue = parse.GetRequiredValue(scope) switch
            {
                "operator" => ApiKeyScope.Operator,
                "frontend" => ApiKeyScope.Frontend,
                _ => ApiKeyScope.ReadOnly,
            };
            var created = await client.CreateApiKeyAsync(parse.GetRequiredValue(name), scopeValue, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(created, t => t.AddColumns("key id", "name", "scope").AddRow(created.Key.KeyId, created.Key.Name, Scope(created.Key.Scope)));
            if (!runner.Context.JsonOutput)
            {
                // On a line of its own, to be copied whole; shown only now.
                runner.Context.Say("Secret (shown only now; store it where the front end reads it):");
                runner.Context.Say(created.Secret);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Include revoked keys" };
        var command = new Command("list", "List keys (never their secrets)") { all };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var keys = await client.ListApiKeysAsync(parse.GetValue(all), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(keys, t =>
            {
                t.AddColumns("key id", "name", "scope", "created", "created by", "revoked");
                foreach (var key in keys.Keys)
                {
                    t.AddRow(key.KeyId, key.Name, Scope(key.Scope), Time(key.CreatedAt), key.CreatedBy, key.RevokedAt is null ? "" : Time(key.RevokedAt));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Revoke(CommandRunner runner)
    {
        var keyId = new Argument<string>("key-id") { Description = "The key's id (from 'aios keys list')" };
        var command = new Command("revoke", "Revoke a key (the last operator key cannot be revoked)") { keyId };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var key = await client.RevokeApiKeyAsync(parse.GetRequiredValue(keyId), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(key, t => t.AddColumns("key id", "name", "revoked").AddRow(key.KeyId, key.Name, Time(key.RevokedAt)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Scope(ApiKeyScope scope) => scope switch
    {
        ApiKeyScope.Operator => "operator",
        ApiKeyScope.Frontend => "frontend",
        ApiKeyScope.ReadOnly => "read-only",
        _ => "?",
    };

    internal static string Time(Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
