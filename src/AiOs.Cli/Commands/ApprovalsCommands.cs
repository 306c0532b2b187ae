using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios approvals list|approve|reject|edit</c>: the operator's decisions on risky actions.</summary>
internal static class ApprovalsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("approvals", "Approvals waiting for the operator: list, approve, reject, edit and approve");
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Approve(runner));
        command.Subcommands.Add(Reject(runner));
        command.Subcommands.Add(Edit(runner));
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "List pending approvals");
        runner.SetAction(command, async (_, client, ct) =>
        {
            var request = new ListApprovalsRequest { Statuses = { ApprovalStatus.Pending } };
            var approvals = await client.ListApprovalsAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(approvals, t =>
            {
                t.AddColumns("approval", "goal", "action", "risk", "confidence", "summary");
                foreach (var a in approvals.Approvals)
                {
                    t.AddRow(a.ApprovalId, a.GoalId, a.ActionKind, a.RiskClass, a.Confidence.ToString("0.00", CultureInfo.InvariantCulture), a.Summary);
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Approve(CommandRunner runner)
    {
        var id = new Argument<string>("approval-id");
        var comment = new Option<string?>("--comment") { Description = "A note kept with the decision" };
        var command = new Command("approve", "Approve as proposed") { id, comment };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            Write(runner, await client.ApproveAsync(parse.GetRequiredValue(id), parse.GetValue(comment) ?? "", new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reject(CommandRunner runner)
    {
        var id = new Argument<string>("approval-id");
        var reason = new Option<string>("--reason") { Description = "Why (the agents see it)", Required = true };
        var command = new Command("reject", "Reject") { id, reason };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            Write(runner, await client.RejectAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(reason), new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
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
