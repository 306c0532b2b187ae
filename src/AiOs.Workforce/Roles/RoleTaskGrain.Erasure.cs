namespace AiOs.Workforce.Roles;

// Forgetting a customer: a task's draft and completion are the model's words about them, so both go.
public sealed partial class RoleTaskGrain
{
    public async Task<long> Erase()
    {
        if (draft.RecordExists)
        {
            await draft.ClearStateAsync();
        }

        var erased = await events.EraseStreamAsync(GrainId, _writer);
        _result = null;
        DeactivateOnIdle();
        return erased;
    }
}
