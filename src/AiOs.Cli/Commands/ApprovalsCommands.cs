using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios approvals list|show|approve|reject|edit</c>: the operator's decisions on risky actions; approve and
/// reject take several ids at once (one batch call, each decided on its own).</summary>
internal static class ApprovalsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("approvals", "Approvals waiting for the operator: list, show, approve, reject, edit and approve");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Show(runner));
        command.Subcommands.Add(Approve(runner));
        command.Subcommands.Add(Reject(runner));
        command.Subcommands.Add(Edit(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var all = new Option<bool>("--all") { Description = "Decided ones too" };
        var goal = new Option<string?>("--goal") { Description = "Only this goal's" };
        var command = new Command("list", "List the approvals waiting for a decision, oldest deadline first") { all, goal };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListApprovalsRequest { GoalId = parse.GetValue(goal) ?? "" };
            if (parse.GetValue(all))
            {
                request.Statuses.AddRange(Enum.GetValues<ApprovalStatus>().Where(s => s != ApprovalStatus.Unspecified));
            }

            var approvals = await client.ListApprovalsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(approvals, t =>
            {
                t.AddColumns("approval", "status", "goal", "action", "risk", "confidence", "deadline", "summary");
                foreach (var a in approvals.Approvals)
                {
                    t.AddRow(a.ApprovalId, a.Status.ToString(), a.GoalId, a.ActionKind, a.RiskClass, a.Confidence.ToString("0.00", CultureInfo.InvariantCulture),
                        KeysCommands.Time(a.Deadline), Markup.Escape(a.Summary));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var id = new Argument<string>("approval-id");
        var command = new Command("show", "Show what will happen, why, and until when, with the exact payload") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var a = await client.GetApprovalAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(a, t =>
            {
                t.AddColumns("field", "value");
                t.AddRow("approval", a.ApprovalId);
                t.AddRow("status", a.Status.ToString());
                t.AddRow("goal / task", $"{a.GoalId} / {a.TaskId}");
                t.AddRow("action", $"{a.ActionKind} (risk {a.RiskClass})");
                t.AddRow("what", Markup.Escape(a.Summary));
                t.AddRow("why", Markup.Escape($"rule {a.PolicyRule}: {a.PolicyReason}; confidence {a.Confidence.ToString("0.00", CultureInfo.InvariantCulture)}"));
                t.AddRow("sources", Markup.Escape(string.Join(", ", a.Sources)));
                t.AddRow("deadline", $"{KeysCommands.Time(a.Deadline)} (then: escalation; after the grace period: {a.DefaultAction})");
                t.AddRow("decided", a.DecidedBy.Length == 0 ? "-" : Markup.Escape($"{a.DecidedBy} at {KeysCommands.Time(a.DecidedAt)} {a.DecisionReason}"));
                t.AddRow("payload", Markup.Escape(a.PayloadJson));
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Approve(CommandRunner runner)
    {
        var ids = new Argument<string[]>("approval-id") { Arity = ArgumentArity.OneOrMore, Description = "One or more approvals" };
        var comment = new Option<string?>("--comment") { Description = "A note kept with the decision" };
        var command = new Command("approve", "Approve as proposed") { ids, comment };
        runner.SetAction(command, (parse, client, ct) =>
            DecideAsync(runner, client, parse.GetRequiredValue(ids), DecisionKind.Approve, parse.GetValue(comment) ?? "", ct));
        return command;
    }

    private static Command Reject(CommandRunner runner)
    {
        var ids = new Argument<string[]>("approval-id") { Arity = ArgumentArity.OneOrMore, Description = "One or more approvals" };
        var reason = new Option<string>("--reason") { Description = "Why (the agents see it)", Required = true };
        var command = new Command("reject", "Reject") { ids, reason };
        runner.SetAction(command, (parse, client, ct) =>
            DecideAsync(runner, client, parse.GetRequiredValue(ids), DecisionKind.Reject, parse.GetRequiredValue(reason), ct));
        return command;
    }

    // One id: the single call (its error is the command's). Several: one batch; each line says how it went, and the exit
    // code is the first failure's.
    private static async Task<int> DecideAsync(CommandRunner runner, AiOsClient client, string[] ids, DecisionKind kind, string reason, CancellationToken ct)
    {
        var options = new CallOptions(CancellationToken: ct);
        if (ids.Length == 1)
        {
            Write(runner, kind == DecisionKind.Approve
                ? await client.ApproveAsync(ids[0], reason, options).ConfigureAwait(false)
                : await client.RejectAsync(ids[0], reason, options).ConfigureAwait(false));
            return ExitCodes.Ok;
        }

        var request = new DecideApprovalsRequest();
        request.Decisions.AddRange(ids.Select(id => new ApprovalDecision { ApprovalId = id, Kind = kind, Reason = reason }));
        var response = await client.DecideApprovalsAsync(request, options).ConfigureAwait(false);
        runner.Context.Write(response, t =>
        {
            t.AddColumns("approval", "status", "error");
            foreach (var r in response.Results)
            {
                t.AddRow(r.ApprovalId, r.Approval?.Status.ToString() ?? "-", Markup.Escape(r.ErrorMessage));
            }
        });
        var failed = response.Results.FirstOrDefault(r => r.ErrorCode != 0);
        return failed is null ? ExitCodes.Ok : ExitCodes.For((AiOs.Grpc.StatusCode)failed.ErrorCode);
    }

    private static Command Edit(CommandRunner runner)
    {
        var id = new Argument<string>("approval-id");
        var file = new Option<FileInfo?>("--file", "-f") { Description = "The edited payload (JSON); without it $EDITOR opens the proposed one" };
        var comment = new Option<string?>("--comment");
        var command = new Command("edit", "Edit the proposed action, then approve it") { id, file, comment };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var approvalId = parse.GetRequiredValue(id);
            var payload = parse.GetValue(file) is { } given
                ? await File.ReadAllTextAsync(given.FullName, ct).ConfigureAwait(false)
                : await EditInEditorAsync(runner, (await client.GetApprovalAsync(approvalId, new CallOptions(CancellationToken: ct)).ConfigureAwait(false)).PayloadJson, ct)
                    .ConfigureAwait(false);
            if (payload is null)
            {
                runner.Context.Say("Nothing changed; the approval is left as it was.");
                return ExitCodes.Failed;
            }

            Write(runner, await client.EditAndApproveAsync(approvalId, payload, parse.GetValue(comment) ?? "", new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    // Opens $EDITOR (else $VISUAL, else vi) on the proposed payload; null when the operator saved no change.
    private static async Task<string?> EditInEditorAsync(CommandRunner runner, string proposed, CancellationToken ct)
    {
        var editor = runner.Context.Environment("EDITOR") ?? runner.Context.Environment("VISUAL") ?? "vi";
        var path = Path.Combine(Path.GetTempPath(), $"aios-approval-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, proposed, ct).ConfigureAwait(false);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(editor) { ArgumentList = { path }, UseShellExecute = false })
                ?? throw new InvalidOperationException($"could not start the editor '{editor}'");
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the editor '{editor}' exited with {process.ExitCode}");
            }

            var edited = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
            return edited == proposed ? null : edited;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Write(CommandRunner runner, Approval approval) =>
        runner.Context.Write(approval, t => t.AddColumns("approval", "status", "decided by").AddRow(approval.ApprovalId, approval.Status.ToString(), approval.DecidedBy));
}
