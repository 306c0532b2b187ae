namespace AiOs.Connectors.Smtp;

/// <summary>A server reply: its code and its text (all lines).</summary>
internal readonly record struct SmtpReply(int Code, string Text)
{
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>4xx: try again later (nothing was accepted).</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    public override string ToString() => $"{Code} {Text}";
}

/// <summary>The server answered with an error code.</summary>
internal sealed class SmtpReplyException(string stage, SmtpReply reply) : Exception($"{stage}: the server answered {reply}")
{
    public SmtpReply Reply { get; } = reply;
}
