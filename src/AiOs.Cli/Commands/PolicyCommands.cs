using System.CommandLine;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios policy get|set|decisions</c>: the rules that decide which side effects need the operator.</summary>
internal static class PolicyCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("policy", "The policy: which side effects run by themselves, wait for approval, or are refused");
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(Set(runner));
        command.Subcommands.Add(Decisions(runner));
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var document = new Option<bool>("--document") { Description = "Print the policy document as written (to save, edit and set again)" };
        var command = new Command("get", "Show the policy in force: its rules, version and suggestions") { document };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var policy = await client.GetPolicyAsync(new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            if (parse.GetValue(document) && !runner.Context.JsonOutput)
            {
                runner.Context.Output.Write(policy.Document);
                return ExitCodes.Ok;
            }

            runner.Context.Write(policy, t =>
            {
                t.AddColumns("rule", "when", "then");
                foreach (var rule in policy.Rules)
                {
                    t.AddRow(Markup.Escape(rule.Name), Markup.Escape(rule.Condition), Outcome(rule.Outcome));
                }
            });
            if (!runner.Context.JsonOutput)
            {
                runner.Context.Say($"version {policy.Version}, set by {policy.UpdatedBy} {KeysCommands.Time(policy.UpdatedAt)}");
                foreach (var suggestion in policy.Suggestions)
                {
                    runner.Context.Say("suggestion: " + suggestion.Text);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Set(CommandRunner runner)
    {
        var file = new Argument<FileInfo>("file") { Description = "The policy document (YAML)" };
        var expected = new Option<string?>("--expected-version") { Description = "Refuse if the policy changed since this version" };
        var command = new Command("set", "Replace the policy; a malformed document is refused with its line and reason") { file, expected };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var text = await File.ReadAllTextAsync(parse.GetRequiredValue(file).FullName, ct).ConfigureAwait(false);
            var policy = await client.SetPolicyAsync(text, parse.GetValue(expected) ?? "", new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(policy, t => t.AddColumns("version", "rules").AddRow(policy.Version, policy.Rules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Decisions(CommandRunner runner)
    {
        var goal = new Option<string?>("--goal") { Description = "Only this goal's" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var command = new Command("decisions", "The logged policy decisions, newest first, each naming the rule that decided") { goal, limit };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListPolicyDecisionsRequest { GoalId = parse.GetValue(goal) ?? "", PageSize = parse.GetValue(limit) };
            var decisions = await client.ListPolicyDecisionsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(decisions, t =>
            {
                t.AddColumns("at", "goal", "task", "action", "outcome", "rule", "reason");
                foreach (var d in decisions.Decisions)
                {
                    t.AddRow(KeysCommands.Time(d.At), d.GoalId, d.TaskId, d.ActionKind, Outcome(d.Outcome), Markup.Escape(d.Rule), Markup.Escape(d.Reason));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Outcome(PolicyOutcome outcome) => outcome switch
    {
        PolicyOutcome.Auto => "auto",
        PolicyOutcome.NeedsApproval => "needs-approval",
        PolicyOutcome.Refused => "refused",
        _ => "?",
    };
}
