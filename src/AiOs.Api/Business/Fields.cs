using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using AiOs.Grpc;

namespace AiOs.Api.Business;

/// <summary>Checks of request fields; each failure is INVALID_ARGUMENT naming the field, so that a caller knows what to fix.</summary>
internal static partial class Fields
{
    public const int MaxIdLength = 64;

    public static RpcException Invalid(string field, string problem) => new(StatusCode.InvalidArgument, $"{field}: {problem}");

    public static RpcException NotFound(string what, string id) => new(StatusCode.NotFound, $"no {what} '{id}'");

    /// <summary>A required id (it names a grain: no control characters).</summary>
    public static string Id(string field, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw Invalid(field, "is required")
        : value.Length > 200 ? throw Invalid(field, "is longer than 200 characters")
        : value.Any(char.IsControl) ? throw Invalid(field, "contains a control character")
        : value;

    /// <summary>An optional id; null when empty.</summary>
    public static string? OptionalId(string field, string value) => value.Length == 0 ? null : Id(field, value);

    /// <summary>An id a caller chooses for a new entity: letters, digits, '.', '_' and '-'.</summary>
    public static string NewId(string field, string value) =>
        IdPattern().IsMatch(value) ? value
        : throw Invalid(field, $"'{value}' is not an id: use 1 to {MaxIdLength} letters, digits, '.', '_' or '-', starting with a letter or digit");

    /// <summary>Required text, trimmed.</summary>
    public static string Text(string field, string value, int maxLength)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? throw Invalid(field, "is required")
            : trimmed.Length > maxLength ? throw Invalid(field, $"is longer than {maxLength} characters")
            : trimmed;
    }

    /// <summary>Optional text, trimmed; null when empty.</summary>
    public static string? Optional(string field, string value, int maxLength)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null
            : trimmed.Length > maxLength ? throw Invalid(field, $"is longer than {maxLength} characters")
            : trimmed;
    }

    /// <summary>A page size: 0 means <paramref name="defaultSize"/>.</summary>
    public static int PageSize(int value, int defaultSize, int max) =>
        value is < 0 || value > max ? throw Invalid("page_size", $"must be between 0 and {max} (0: {defaultSize})")
        : value == 0 ? defaultSize : value;

    /// <summary>Enum values of a filter: each must be a defined value other than the unspecified one.</summary>
    public static HashSet<T> Statuses<T>(string field, IEnumerable<T> values)
        where T : struct, Enum
    {
        var set = new HashSet<T>();
        foreach (var value in values)
        {
            if (!Enum.IsDefined(value) || Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw Invalid(field, $"{Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)} is not a {typeof(T).Name} value");
            }

            set.Add(value);
        }

        return set;
    }

    /// <summary>An opaque page token: the text a list method continues from.</summary>
    public static string EncodeToken(string position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    /// <summary>The position in a page token; null for none; INVALID_ARGUMENT for a token this service did not make.</summary>
    public static string? DecodeToken(string token)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid("page_token", "is not a token returned by this method");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();
}
