using AiOs.Connectors.Resilience;

namespace AiOs.Connectors.Webhook;

/// <summary>The webhook connector's settings (section <c>AiOs:Connectors:Webhook</c>); with no URL there is no webhook
/// connector, and roles' <c>webhook.post</c> actions fail with a message naming the missing connector.
/// <see cref="Secret"/> is a secret (set it from a secret file): it signs every request and never appears in logs or errors.</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "AiOs:Connectors:Webhook";

    /// <summary>Where actions are posted, e.g. an automation tool's inbound hook.</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>X-AiOs-Signature</c> header (at least 16 characters). Without it requests go
    /// unsigned and the service logs a warning at start.</summary>
    public string? Secret { get; set; }

    /// <summary>The actions posted here. <c>email.send</c> is posted too when no SMTP connector is configured (to hand
    /// email to an automation tool).</summary>
    public List<string> Actions { get; set; } = ["webhook.post"];

    /// <summary>Records what would have been posted (in the action's ledger result) without posting.</summary>
    public bool DryRun { get; set; }

    public ResilienceOptions Resilience { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (Url is null)
        {
            yield break;
        }

        if (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
        {
            yield return $"{SectionName}:Url must be an absolute http or https URL";
        }

        if (Secret is { Length: > 0 and < 16 })
        {
            yield return $"{SectionName}:Secret must be at least 16 characters";
        }

        if (Actions.Count == 0 || Actions.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{SectionName}:Actions must name at least one action, none empty";
        }

        foreach (var problem in Resilience.Problems(SectionName))
        {
            yield return problem;
        }
    }
}
