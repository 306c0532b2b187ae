namespace AiOs.Workforce.Portability;

/// <summary>What an id in a snapshot may be: it becomes a grain key and a storage key here.</summary>
internal static class PortableIds
{
    public const int MaxLength = 200;

    public static string? Problem(string? id, string what) =>
        string.IsNullOrEmpty(id) ? $"a {what} needs an id"
        : id.Length > MaxLength ? $"the {what} id is longer than {MaxLength} characters"
        : id.Any(char.IsControl) ? $"the {what} id has a control character"
        : null;
}
