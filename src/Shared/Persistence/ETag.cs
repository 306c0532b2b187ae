using System.Globalization;

namespace AiOs.Persistence.Shared;

/// <summary>ETags are a row's version number rendered as an invariant decimal string.</summary>
internal static class ETag
{
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an ETag this provider issued. Anything else cannot match a stored version, so the caller
    /// treats it as a conflict rather than an argument error: the writer simply holds a stale or foreign ETag.</summary>
    public static bool TryParse(string? etag, out long version) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out version);
}
