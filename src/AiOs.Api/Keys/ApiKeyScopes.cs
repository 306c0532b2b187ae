using AiOs.Api.V1;

namespace AiOs.Api.Keys;

/// <summary>The scopes of API keys as stored (<c>operator</c>, <c>frontend</c>, <c>read-only</c>) and which access
/// classes of the contract (the <c>(aios.v1.access)</c> method option) each admits.</summary>
public static class ApiKeyScopes
{
    /// <summary>Everything.</summary>
    public const string Operator = "operator";

    /// <summary>Submit and read goals, read business entities.</summary>
    public const string Frontend = "frontend";

    /// <summary>Read everything but keys; change nothing.</summary>
    public const string ReadOnly = "read-only";

    /// <summary>The stored name of a scope of the contract; null for an unspecified or unknown value.</summary>
    public static string? FromContract(ApiKeyScope scope) => scope switch
    {
        ApiKeyScope.Operator => Operator,
        ApiKeyScope.Frontend => Frontend,
        ApiKeyScope.ReadOnly => ReadOnly,
        _ => null,
    };

    /// <summary>The contract's value for a stored scope name.</summary>
    public static ApiKeyScope ToContract(string scope) => scope switch
    {
        Operator => ApiKeyScope.Operator,
        Frontend => ApiKeyScope.Frontend,
        ReadOnly => ApiKeyScope.ReadOnly,
        _ => ApiKeyScope.Unspecified,
    };

    /// <summary>The stored name of a scope typed by a person (<c>operator</c>, <c>frontend</c>, <c>read-only</c>).</summary>
    public static bool TryParse(string? text, out ApiKeyScope scope)
    {
        scope = text?.Trim().ToLowerInvariant() switch
        {
            Operator => ApiKeyScope.Operator,
            Frontend => ApiKeyScope.Frontend,
            ReadOnly or "readonly" or "read_only" => ApiKeyScope.ReadOnly,
            _ => ApiKeyScope.Unspecified,
        };
        return scope != ApiKeyScope.Unspecified;
    }

    /// <summary>True when a key of <paramref name="scope"/> may call a method of access class <paramref name="access"/>.
    /// A method without a declared class admits operator keys only.</summary>
    public static bool Admits(string scope, Access access) => access switch
    {
        Access.Open => true,
        Access.ReadBusiness => scope is Operator or Frontend or ReadOnly,
        Access.SubmitGoals => scope is Operator or Frontend,
        Access.ReadOperations => scope is Operator or ReadOnly,
        _ => scope is Operator,
    };
}
