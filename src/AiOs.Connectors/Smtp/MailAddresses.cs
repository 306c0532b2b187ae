namespace AiOs.Connectors.Smtp;

/// <summary>The addresses the connector accepts: one <c>local@domain</c> with no spaces, brackets or line breaks (which
/// would let a value inject SMTP commands or headers).</summary>
public static class MailAddresses
{
    public static bool IsValid(string? address) =>
        address is { Length: >= 3 and <= 254 }
        && address.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < address.Length - 1
        && address.Count(c => c == '@') == 1
        && !address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"');

    public static string Domain(string address) => address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];
}
