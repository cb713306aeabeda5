import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import RecurDemo from './components/RecurDemo.vue';
import './style.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RecurDemo', RecurDemo);
  },
} satisfies Theme;
