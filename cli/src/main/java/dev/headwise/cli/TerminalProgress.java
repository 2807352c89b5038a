package dev.headwise.cli;

import dev.headwise.train.TrainingLog;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The training steps as a progress bar on the terminal. */
final class TerminalProgress implements TrainingLog.Progress {
    private final ProgressBar bar;

    /** A bar of {@code totalSteps}, at {@code doneSteps} already when a run resumes. */
    TerminalProgress(long totalSteps, long doneSteps) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        if (doneSteps > 0) bar.stepTo(doneSteps);
    }

    @Override
    public void show(long step, String summary) {
        bar.stepTo(step);
        bar.setExtraMessage(summary);
    }

    @Override
    public void pause() {
        bar.pause();
    }

    @Override
    public void resume() {
        bar.resume();
    }

    @Override
    public void close() {
        bar.close();
    }
}
