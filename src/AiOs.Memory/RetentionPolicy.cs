using System.Globalization;

namespace AiOs.Memory;

/// <summary>How long items of one kind are kept: forever, for a number of days, or the newest N of a scope.</summary>
public sealed record RetentionPolicy(TimeSpan? MaxAge, int? KeepLast)
{
    public static RetentionPolicy Forever { get; } = new(null, null);

    /// <summary>Parses <c>forever</c>, <c>days:N</c> or <c>last:N</c> (N a positive whole number); null when malformed.</summary>
    public static RetentionPolicy? Parse(string? text)
    {
        var parts = (text ?? "").Trim().Split(':', 2);
        if (parts.Length == 1 && parts[0] == "forever")
        {
            return Forever;
        }

        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }

        return parts[0] switch
        {
            "days" => new RetentionPolicy(TimeSpan.FromDays(n), null),
            "last" => new RetentionPolicy(null, n),
            _ => null,
        };
    }
}
