namespace AiOs.Workforce;

/// <summary>Policies and approvals (configuration section <c>AiOs:Approvals</c>).</summary>
public sealed class ApprovalOptions
{
    public const string SectionName = "AiOs:Approvals";

    /// <summary>A policy file (YAML) the operator edits; reloaded when it changes. A malformed file is refused as a whole
    /// (logged with line and reason) and the policy in force stays. Without it the policy is the built-in default or the
    /// one set through the API.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>The connector action that carries escalation notices when an approval's deadline passes (e.g.
    /// <c>email.send</c> or <c>webhook.post</c>); none when empty (the approval is still marked escalated).</summary>
    public string? EscalationAction { get; set; }

    /// <summary>Who the escalation notice is for (put in the notice's <c>to</c> field), e.g. the operator's address.</summary>
    public string? EscalationRecipient { get; set; }

    /// <summary>After this many consecutive approvals of one action kind without edits, the policy suggests letting that
    /// kind run automatically.</summary>
    public int SuggestAutonomyAfter { get; set; } = 5;

    /// <summary>How often an approval past its deadline is looked at again (a durable reminder; at least the silo's
    /// reminder minimum period).</summary>
    public TimeSpan DeadlineCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
