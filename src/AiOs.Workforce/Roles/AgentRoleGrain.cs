namespace AiOs.Workforce.Roles;

/// <summary>State of <see cref="AgentRoleGrain"/>.</summary>
public sealed class RoleNotesState
{
    public List<string> Notes { get; set; } = [];
}

[GrainType("agent-role")]
public sealed class AgentRoleGrain(RoleDirectory roles, [PersistentState("notes")] IPersistentState<RoleNotesState> notes) : Grain, IAgentRoleGrain
{
    /// <summary>Notes kept per role; the oldest go first.</summary>
    public const int MaxNotes = 50;

    public Task<RoleContract?> Contract() => Task.FromResult(roles.Find(GrainId.Key));

    public async Task AddNote(string note)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        notes.State.Notes.Add(note);
        if (notes.State.Notes.Count > MaxNotes)
        {
            notes.State.Notes.RemoveAt(0);
        }

        await notes.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Notes() => Task.FromResult<IReadOnlyList<string>>([.. notes.State.Notes]);
}
