namespace AiOs.Workforce.Actions;

/// <summary>The webhook connector's settings (section <c>AiOs:Connectors:Webhook</c>); with no URL there is no webhook
/// connector, and roles' <c>webhook.post</c> and <c>email.send</c> actions fail with a message naming the missing connector.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "AiOs:Connectors:Webhook";

    /// <summary>Where actions are posted, e.g. an automation tool's inbound hook.</summary>
    public Uri? Url { get; set; }

    /// <summary>Longest wait for the receiver's answer; past it the outcome is unknown and the ledger resends with the
    /// same idempotency key.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
