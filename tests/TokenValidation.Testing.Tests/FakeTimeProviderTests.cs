namespace TokenValidation.Testing.Tests;

public sealed class FakeTimeProviderTests
{
    [Fact]
    public void Time_moves_only_when_advanced_and_timestamps_follow()
    {
        var start = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var t0 = time.GetTimestamp();

        Assert.Equal(start, time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(start.AddSeconds(90), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), time.GetElapsedTime(t0));
        time.SetUtcNow(start.AddHours(1));
        Assert.Equal(TimeSpan.FromHours(1), time.GetElapsedTime(t0));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(start));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void Timer_fires_on_Advance_in_order_and_periodically()
    {
        var time = new FakeTimeProvider();
        var fired = new List<string>();
        using var once = time.CreateTimer(_ => fired.Add($"once@{time.GetUtcNow():mm:ss}"), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var every = time.CreateTimer(_ => fired.Add($"every@{time.GetUtcNow():mm:ss}"), null, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4));

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(fired);

        time.Advance(TimeSpan.FromSeconds(9)); // now 12 s
        Assert.Equal(["every@00:04", "every@00:08", "once@00:10", "every@00:12"], fired);
        Assert.Equal(1, time.ActiveTimerCount);

        every.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, fired.Count);
        Assert.Equal(0, time.ActiveTimerCount);
    }

    [Fact]
    public void Disposed_timer_does_not_fire()
    {
        var time = new FakeTimeProvider();
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        timer.Dispose();

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, count);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.Zero));
    }

    [Fact]
    public async Task Delay_and_CancellationTokenSource_follow_fake_time()
    {
        var time = new FakeTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(5), time);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1), time);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(cts.IsCancellationRequested);
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cts.IsCancellationRequested);
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(4));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Zero_due_time_fires_promptly()
    {
        var time = new FakeTimeProvider();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = time.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        await fired.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
