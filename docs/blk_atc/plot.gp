# Plots of the BLK ATC Monte Carlo curves (docs/blk_atc.md). From the repository root:
#   gnuplot docs/blk_atc/plot.gp
# reads docs/blk_atc/rms.csv and writes rms_position.png, rms_velocity.png, anees.png and
# mode_probability.png beside it. Shaded: the +1 deg/s and -3 deg/s turns.

dir = 'docs/blk_atc/'
data = dir.'rms.csv'
set datafile separator ','
set terminal pngcairo size 1000,600 font 'Sans,11' linewidth 1.5
set grid
set xlabel 'time (s)'
set xrange [0:495]
set xtics 0,50,500
set key inside top left horizontal maxrows 3 box opaque
set object 1 rect from 125,graph 0 to 215,graph 1 fc rgb '#e8e8e8' fs solid noborder behind
set object 2 rect from 340,graph 0 to 370,graph 1 fc rgb '#e8e8e8' fs solid noborder behind
set label 1 '+1 deg/s' at 170,graph 0.70 center
set label 2 '-3 deg/s' at 355,graph 0.70 center

# Only the first straight segment of the no-process-noise KF (it diverges after the turn).
straight1(t, v) = t <= 125 ? v : 1/0

set output dir.'rms_position.png'
set title 'BLK ATC scenario: RMS position error, 100 Monte Carlo runs'
set ylabel 'RMS position error (m)'
set logscale y
set yrange [30:20000]
plot data using 1:'kf_low_rms_pos' with lines lw 2 lc rgb '#1f77b4' title 'KF CV, sigma_a 0.1 m/s^2 (low noise)', \
     data using 1:'kf_tcl_rms_pos' with lines lw 2 lc rgb '#2ca02c' title 'KF CV, sigma_a 1 m/s^2 (TCL)', \
     data using 1:'imm2_rms_pos' with lines lw 2 lc rgb '#d62728' title 'IMM-2: CV 0.1 / CV 2 m/s^2', \
     data using 1:'imm_cvct_rms_pos' with lines lw 2 lc rgb '#9467bd' title 'IMM: CV 0.1 m/s^2 / CT (EKF)', \
     data using 1:(straight1($1, column('kf_exact_rms_pos'))) with lines dt 2 lc rgb 'black' title 'KF CV, no process noise (straight 1 only)'

set output dir.'rms_velocity.png'
set title 'BLK ATC scenario: RMS velocity error, 100 Monte Carlo runs'
set ylabel 'RMS velocity error (m/s)'
set yrange [1:1000]
plot data using 1:'kf_low_rms_vel' with lines lw 2 lc rgb '#1f77b4' title 'KF CV, sigma_a 0.1 m/s^2 (low noise)', \
     data using 1:'kf_tcl_rms_vel' with lines lw 2 lc rgb '#2ca02c' title 'KF CV, sigma_a 1 m/s^2 (TCL)', \
     data using 1:'imm2_rms_vel' with lines lw 2 lc rgb '#d62728' title 'IMM-2: CV 0.1 / CV 2 m/s^2', \
     data using 1:'imm_cvct_rms_vel' with lines lw 2 lc rgb '#9467bd' title 'IMM: CV 0.1 m/s^2 / CT (EKF)', \
     data using 1:(straight1($1, column('kf_exact_rms_vel'))) with lines dt 2 lc rgb 'black' title 'KF CV, no process noise (straight 1 only)'

# The 95 % band of the average of 100 chi-square(4) NEES values (metrics::NeesBand(100, 4)).
band_lower = 3.4567
band_upper = 4.5695
set output dir.'anees.png'
set title 'BLK ATC scenario: average NEES of [x, vx, y, vy] (4 dof), 100 runs'
set ylabel 'ANEES'
set yrange [0.5:3e5]
set key inside top left horizontal maxrows 3 box opaque
plot band_lower with lines dt 3 lw 1.5 lc rgb 'black' title '95 % band, 100 runs', \
     band_upper with lines dt 3 lw 1.5 lc rgb 'black' notitle, \
     data using 1:'kf_low_anees' with lines lw 2 lc rgb '#1f77b4' title 'KF CV, sigma_a 0.1 m/s^2', \
     data using 1:'kf_tcl_anees' with lines lw 2 lc rgb '#2ca02c' title 'KF CV, sigma_a 1 m/s^2', \
     data using 1:'imm2_anees' with lines lw 2 lc rgb '#d62728' title 'IMM-2', \
     data using 1:'imm_cvct_anees' with lines lw 2 lc rgb '#9467bd' title 'IMM CV/CT', \
     data using 1:(straight1($1, column('kf_exact_anees'))) with lines dt 2 lc rgb 'black' title 'KF, no process noise (straight 1)'

set output dir.'mode_probability.png'
unset label
set title 'BLK ATC scenario: mean probability of the manoeuvre mode, 100 runs'
set ylabel 'probability'
unset logscale y
set yrange [0:1]
set key inside top right box opaque maxrows 2
plot data using 1:'imm2_mu_manoeuvre' with lines lw 2 lc rgb '#d62728' title 'IMM-2: CV 2 m/s^2 mode', \
     data using 1:'imm_cvct_mu_manoeuvre' with lines lw 2 lc rgb '#9467bd' title 'IMM CV/CT: CT mode'
