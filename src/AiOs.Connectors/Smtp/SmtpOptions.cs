using AiOs.Connectors.Resilience;

namespace AiOs.Connectors.Smtp;

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpTls
{
    /// <summary>Plain connection, upgraded with STARTTLS (port 587); refused if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit,

    /// <summary>No TLS: only for a relay on the same host or a trusted network (credentials would travel in clear).</summary>
    None,
}

/// <summary>The email connector's settings (section <c>AiOs:Connectors:Smtp</c>); with no host there is no email connector.
/// <see cref="Password"/> is a secret: set it from a secret file (<c>AiOs__Connectors__Smtp__Password_FILE</c>), never in
/// a committed file; it never appears in logs, events or errors.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "AiOs:Connectors:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;

    /// <summary>The sender address, e.g. <c>hello@example.com</c>.</summary>
    public string? From { get; set; }

    /// <summary>The sender's display name, e.g. the company's name.</summary>
    public string? FromName { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The domain of Message-IDs (<c>&lt;ledger key@domain&gt;</c>); the sender's domain when empty.</summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>Records what would have been sent (in the action's ledger result) without connecting.</summary>
    public bool DryRun { get; set; }

    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>What is wrong with these settings, naming each setting; empty when valid or when no host is set.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield break;
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{SectionName}:Port must be 1-65535";
        }

        if (!MailAddresses.IsValid(From))
        {
            yield return $"{SectionName}:From must be an email address (the sender)";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return $"{SectionName}:Username and {SectionName}:Password go together: set both or neither";
        }

        if (!Enum.IsDefined(Tls))
        {
            yield return $"{SectionName}:Tls must be StartTls, Implicit or None";
        }

        foreach (var problem in Resilience.Problems(SectionName))
        {
            yield return problem;
        }
    }
}
