using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AiOs.Connectors.Smtp;

/// <summary>An email built from an action's request: recipients, subject, body, and the RFC 5322 text that is sent.</summary>
internal sealed record MailMessage(IReadOnlyList<string> To, string Subject, string MessageId, string Text);

/// <summary>Builds the message of an <c>email.send</c> action. The Message-ID is <c>&lt;ledger key@domain&gt;</c>: a
/// receiver (or a person) sees that two deliveries are the same message, and the operator finds its ledger entry.</summary>
internal static class MailMessageBuilder
{
    /// <summary>Reads <c>to</c> (an address or a list), <c>subject</c> and <c>text</c> (or <c>body</c>) from the request.
    /// Returns the problem instead when the request cannot become an email.</summary>
    public static (MailMessage? Message, string? Problem) Build(
        string requestJson, IReadOnlyList<string> fallbackTo, string idempotencyKey, string from, string? fromName, string messageIdDomain, DateTimeOffset now)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(requestJson) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
        {
            return (null, $"email.send: the request is not a JSON object ({ex.Message})");
        }

        var to = Recipients(request["to"]);
        if (to.Count == 0)
        {
            to = [.. fallbackTo];
        }

        if (to.Count == 0)
        {
            return (null, "email.send: no recipient: the request has no 'to' and its customer has no email address");
        }

        if (to.FirstOrDefault(a => !MailAddresses.IsValid(a)) is { } bad)
        {
            return (null, $"email.send: recipient '{bad}' is not an email address");
        }

        var body = Text(request["text"]) ?? Text(request["body"]) ?? "";
        var subject = OneLine(Text(request["subject"]) ?? FirstLine(body));
        var messageId = $"<{idempotencyKey}@{messageIdDomain}>";
        var headers = new StringBuilder()
            .Append("From: ").Append(string.IsNullOrWhiteSpace(fromName) ? from : $"{EncodeWord(OneLine(fromName))} <{from}>").Append("\r\n")
            .Append("To: ").Append(string.Join(", ", to)).Append("\r\n")
            .Append("Subject: ").Append(EncodeWord(subject)).Append("\r\n")
            .Append("Date: ").Append(now.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Message-ID: ").Append(messageId).Append("\r\n")
            .Append("X-AiOs-Idempotency-Key: ").Append(idempotencyKey).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n")
            .Append("\r\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ReplaceLineEndings("\r\n")));
        for (var i = 0; i < encoded.Length; i += 76)
        {
            headers.Append(encoded.AsSpan(i, Math.Min(76, encoded.Length - i))).Append("\r\n");
        }

        return (new MailMessage(to, subject, messageId, headers.ToString()), null);
    }

    private static List<string> Recipients(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(Text).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!.Trim())],
        JsonValue value when Text(value) is { } one && !string.IsNullOrWhiteSpace(one) => [.. one.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        _ => [],
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string FirstLine(string body)
    {
        var line = body.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "(no subject)" : line.Length <= 78 ? line : line[..75] + "...";
    }

    // Header values cannot carry line breaks: one would start a new header.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    // RFC 2047: non-ASCII header text as UTF-8 base64 encoded-words.
    private static string EncodeWord(string text) =>
        text.All(c => c is >= ' ' and <= '~') ? text : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";
}
