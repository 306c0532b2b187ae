using AiOs.Api.Server;
using AiOs.Api.V1;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Api.Tests.Infrastructure;

/// <summary>Binds Goals/GetGoal, Goals/SubmitGoal and Customers/CreateCustomer to behaviour a test sets (in place of
/// their real services), so that the server's handling of what methods do (throw, wait, call grains) is tested through
/// the real dispatcher.</summary>
public sealed class ProbeService : IGrpcService
{
    /// <summary>Puts the probe in place of the services whose methods it binds.</summary>
    public void ReplaceServices(IServiceCollection services)
    {
        foreach (var replaced in services.Where(d => d.ServiceType == typeof(IGrpcService)
            && (d.ImplementationType == typeof(AiOs.Api.Services.GoalsService) || d.ImplementationType == typeof(AiOs.Api.Services.CustomersService))).ToList())
        {
            services.Remove(replaced);
        }

        services.AddSingleton<IGrpcService>(this);
    }

    public Func<GetGoalRequest, ServerCallContext, Task<Goal>> GetGoal { get; set; } = (r, _) => Task.FromResult(new Goal { GoalId = r.GoalId });

    public Func<SubmitGoalRequest, ServerCallContext, Task<Goal>> SubmitGoal { get; set; } = (r, _) => Task.FromResult(new Goal { Text = r.Text });

    public Func<CreateCustomerRequest, ServerCallContext, Task<Customer>> CreateCustomer { get; set; } = (_, _) => Task.FromResult(new Customer());

    public int Calls;

    public void Bind(ServiceBinder binder)
    {
        binder.Unary<GetGoalRequest, Goal>(GoalsReflection.Descriptor.Services[0], "GetGoal", (r, c) => Count(GetGoal(r, c)));
        binder.Unary<SubmitGoalRequest, Goal>(GoalsReflection.Descriptor.Services[0], "SubmitGoal", (r, c) => Count(SubmitGoal(r, c)));
        binder.Unary<CreateCustomerRequest, Customer>(EntitiesReflection.Descriptor.Services[0], "CreateCustomer", (r, c) => Count(CreateCustomer(r, c)));
    }

    private Task<T> Count<T>(Task<T> task)
    {
        Interlocked.Increment(ref Calls);
        return task;
    }
}
