namespace AiOs.Workforce.Roles;

/// <summary>An agent role, keyed by its name: its contract and its own notes (what it learned, kept across tasks).</summary>
public interface IAgentRoleGrain : IGrainWithStringKey
{
    /// <summary>The role's contract, or null when no such role is defined.</summary>
    [ReadOnly]
    Task<RoleContract?> Contract();

    Task AddNote(string note);

    [ReadOnly]
    Task<IReadOnlyList<string>> Notes();
}

/// <summary>One task's work, keyed by <c>goal/task</c>: done at most once. The completed result is an event, so asking
/// again (a retry, a resumed goal) returns it without doing the work again.</summary>
public interface IRoleTaskGrain : IGrainWithStringKey
{
    Task<RoleResult> Execute(RoleTask task);

    /// <summary>The result, if the task was completed.</summary>
    [ReadOnly]
    Task<RoleResult?> Result();

    /// <summary>Erases the task's draft and its completion event (the event stays in the chain without its payload) and
    /// returns how many events were erased. Only called for a goal that has ended.</summary>
    Task<long> Erase();
}
