using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios roles list|get|define|stats</c>: the agent roles and their contracts.</summary>
internal static class RolesCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("roles", "Agent roles: list, get, define, stats");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(Define(runner));
        command.Subcommands.Add(Stats(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "List the roles");
        runner.SetAction(command, async (_, client, ct) =>
        {
            var roles = await client.ListAgentRolesAsync(new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(roles, t =>
            {
                Columns(t);
                foreach (var role in roles.Roles)
                {
                    Row(t, role);
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var name = new Argument<string>("name");
        var command = new Command("get", "Show a role's contract") { name };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var role = await client.GetAgentRoleAsync(parse.GetRequiredValue(name), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(role, t =>
            {
                Columns(t);
                Row(t, role);
            });
            if (!runner.Context.JsonOutput)
            {
                runner.Context.Say($"{role.Name}: {role.Description}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Define(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "Lower-case letters, digits and '-' (built-in names cannot be replaced)" };
        var accepts = new Option<string>("--accepts") { Description = "What it takes, in words", Required = true };
        var returns = new Option<string>("--returns") { Description = "What it gives back, in words", Required = true };
        var description = new Option<string?>("--description") { Description = "What the role is for" };
        var tools = new Option<string[]>("--tool") { Description = "A tool or connector action it may use (repeatable): lookup_customer, open_project, email.send, webhook.post" };
        var tier = new Option<string>("--tier") { Description = "small or large", DefaultValueFactory = _ => "small" };
        tier.AcceptOnlyFromAmong("small", "large");
        var autonomy = new Option<string>("--autonomy")
        {
            Description = "suggest (drafts only), policy (actions wait for approval) or autonomous",
            DefaultValueFactory = _ => "policy",
        };
        autonomy.AcceptOnlyFromAmong("suggest", "policy", "autonomous");
        var command = new Command("define", "Create or replace a role of your own") { name, accepts, returns, description, tools, tier, autonomy };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var role = new AgentRole
            {
                Name = parse.GetRequiredValue(name),
                Description = parse.GetValue(description) ?? "",
                ModelTier = parse.GetRequiredValue(tier) == "large" ? ModelTier.Large : ModelTier.Small,
                Autonomy = parse.GetRequiredValue(autonomy) switch
                {
                    "suggest" => AutonomyLevel.Suggest,
                    "autonomous" => AutonomyLevel.Autonomous,
                    _ => AutonomyLevel.Policy,
                },
            };
            role.Accepts.Add(parse.GetRequiredValue(accepts));
            role.Returns.Add(parse.GetRequiredValue(returns));
            role.AllowedTools.AddRange(parse.GetValue(tools) ?? []);
            var defined = await client.DefineAgentRoleAsync(role, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(defined, t =>
            {
                Columns(t);
                Row(t, defined);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stats(CommandRunner runner)
    {
        var name = new Argument<string>("name");
        var command = new Command("stats", "What a role has done (from the most recent events)") { name };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var stats = await client.GetAgentRoleStatsAsync(parse.GetRequiredValue(name), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(stats, t => t.AddColumns("role", "tasks done", "refused", "model calls", "mean confidence", "spent", "p50 task", "p99 task")
                .AddRow(stats.Name, Number(stats.TasksDone), Number(stats.TasksFailed), Number(stats.ModelCalls),
                    stats.MeanConfidence.ToString("0.00", CultureInfo.InvariantCulture), SpendCommands.Amount(stats.Spent),
                    Seconds(stats.P50TaskDuration), Seconds(stats.P99TaskDuration)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(Google.Protobuf.WellKnownTypes.Duration? duration) =>
        duration is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{duration.ToTimeSpan().TotalSeconds:0.###} s");

    private static void Columns(Table table) => table.AddColumns("role", "built in", "tier", "autonomy", "tools and actions", "accepts");

    private static void Row(Table table, AgentRole role) => table.AddRow(
        Markup.Escape(role.Name), role.BuiltIn ? "yes" : "no", role.ModelTier.ToString().ToLowerInvariant(), role.Autonomy.ToString().ToLowerInvariant(),
        Markup.Escape(string.Join(", ", role.AllowedTools)), Markup.Escape(string.Join(", ", role.Accepts)));
}
