using AiOs.Api.V1;
using Google.Protobuf.Reflection;

namespace AiOs.Client;

// aios.v1.Schedules.
public sealed partial class AiOsClient
{
    private static readonly ServiceDescriptor SchedulesService = SchedulesReflection.Descriptor.Services.Single(s => s.Name == "Schedules");

    /// <summary>aios.v1.Schedules/CreateSchedule. Set <see cref="CreateScheduleRequest.RequestId"/> to make a retry harmless.</summary>
    public Task<Schedule> CreateScheduleAsync(CreateScheduleRequest request, CallOptions options = default) =>
        Unary<CreateScheduleRequest, Schedule>(SchedulesService.FindMethodByName("CreateSchedule"), request, options);

    /// <summary>aios.v1.Schedules/GetSchedule.</summary>
    public Task<Schedule> GetScheduleAsync(string scheduleId, CallOptions options = default) =>
        Unary<GetScheduleRequest, Schedule>(SchedulesService.FindMethodByName("GetSchedule"), new GetScheduleRequest { ScheduleId = scheduleId }, options);

    /// <summary>aios.v1.Schedules/ListSchedules: soonest next run first.</summary>
    public Task<ListSchedulesResponse> ListSchedulesAsync(ListSchedulesRequest request, CallOptions options = default) =>
        Unary<ListSchedulesRequest, ListSchedulesResponse>(SchedulesService.FindMethodByName("ListSchedules"), request, options);

    /// <summary>aios.v1.Schedules/PauseSchedule.</summary>
    public Task<Schedule> PauseScheduleAsync(string scheduleId, CallOptions options = default) =>
        Unary<PauseScheduleRequest, Schedule>(SchedulesService.FindMethodByName("PauseSchedule"), new PauseScheduleRequest { ScheduleId = scheduleId }, options);

    /// <summary>aios.v1.Schedules/ResumeSchedule.</summary>
    public Task<Schedule> ResumeScheduleAsync(string scheduleId, CallOptions options = default) =>
        Unary<ResumeScheduleRequest, Schedule>(SchedulesService.FindMethodByName("ResumeSchedule"), new ResumeScheduleRequest { ScheduleId = scheduleId }, options);

    /// <summary>aios.v1.Schedules/DeleteSchedule.</summary>
    public Task<DeleteScheduleResponse> DeleteScheduleAsync(string scheduleId, CallOptions options = default) =>
        Unary<DeleteScheduleRequest, DeleteScheduleResponse>(SchedulesService.FindMethodByName("DeleteSchedule"), new DeleteScheduleRequest { ScheduleId = scheduleId }, options);
}
