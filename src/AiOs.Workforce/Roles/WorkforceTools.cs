using AiOs.Workforce.Entities;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Roles;

/// <summary>The tools a role's contract may name, built per task so that each reads through the grains.</summary>
public static class WorkforceTools
{
    public static IReadOnlyList<AIFunction> For(IGrainFactory grains, IEnumerable<string> names) =>
        [.. names.Select(name => name switch
        {
            "lookup_customer" => AIFunctionFactory.Create(
                async (string customerId) => (object?)(await grains.GetGrain<ICustomerGrain>(customerId).Get())?.Value ?? "no such customer",
                "lookup_customer", "Returns what is known about a customer, by customer id."),
            _ => throw new InvalidOperationException($"The role names tool '{name}', which does not exist."),
        })];
}
