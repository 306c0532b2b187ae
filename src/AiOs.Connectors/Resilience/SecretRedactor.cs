namespace AiOs.Connectors.Resilience;

/// <summary>Removes configured secrets from text before it is kept, returned or logged: defence in depth for errors that
/// quote what the other side said (a server may echo what it was sent).</summary>
public sealed class SecretRedactor(IEnumerable<string?> secrets)
{
    private readonly string[] _secrets = [.. secrets.Where(s => !string.IsNullOrEmpty(s) && s.Length >= 4).Select(s => s!).OrderByDescending(s => s.Length)];

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
        }

        return text;
    }
}
