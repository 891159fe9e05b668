package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's channel loop thread, placed ahead of the kernel jar on its class
 * path. The original sets its running flag only after {@code Thread.start()}, so the new thread can read
 * {@code false} first and exit at once; about one kernel start in ten then never answers ("Kernel didn't respond").
 * Same constructor and methods; the flag is set before the thread starts.
 */
public final class LoopThread extends Thread {

    private volatile boolean running;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            loopBody.run();
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
